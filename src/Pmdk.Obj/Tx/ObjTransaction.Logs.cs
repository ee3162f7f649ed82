// User-supplied log buffers and automatic log extension of a transaction (PMDK: libpmemobj/tx.c pmemobj_tx_log_append_buffer, pmemobj_tx_xlog_append_buffer, pmemobj_tx_log_auto_alloc).
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Tx;

public sealed partial class ObjTransaction
{
    /// <summary>
    /// Lends <paramref name="size"/> bytes of the pool at <paramref name="poolOffset"/> (e.g. an object allocated
    /// for the purpose) to this transaction as an extension of its snapshot (undo) or intent (redo) log. The
    /// buffer is used from its first 64-byte boundary; at least 128 bytes must remain from there (a 64-byte
    /// header and one 64-byte entry). Snapshot buffers serve the snapshots taken after this call; intent buffers
    /// serve the commit. The pool never frees a lent buffer: it is handed back when the outermost transaction
    /// ends (or at the next open after a crash), and may be lent again. See <see cref="TxLogSizes"/> for the size
    /// a workload needs.
    /// </summary>
    /// <exception cref="TransactionAbortedException">The buffer is outside the heap, too small, or overlaps a buffer already lent to this transaction; the transaction was aborted.</exception>
    /// <remarks>C: <c>pmemobj_tx_log_append_buffer</c>, <c>pmemobj_tx_xlog_append_buffer</c></remarks>
    public void AppendLogBuffer(TxLogType type, ulong poolOffset, ulong size)
    {
        Check();
        if (type is not (TxLogType.Snapshot or TxLogType.Intent))
            throw Fail(new ArgumentOutOfRangeException(nameof(type), $"unknown log type {(int)type}."), noAbort: false);
        ulong heapStart = _ctx.Alloc.Heap.HeapOffset, heapEnd = _ctx.Alloc.Heap.HeapEnd;
        if (poolOffset < heapStart || poolOffset > heapEnd || size > heapEnd - poolOffset)
            throw Fail(new ArgumentOutOfRangeException(nameof(poolOffset), $"buffer [0x{poolOffset:x}, +{size}) lies outside the heap."), noAbort: false);
        if (!UserLogBuffers.TryAlign(poolOffset, size, out ulong header, out ulong capacity))
            throw Fail(new ArgumentOutOfRangeException(nameof(size), $"buffer [0x{poolOffset:x}, +{size}) leaves less than 64 bytes of log capacity after its aligned 64-byte header."), noAbort: false);
        if (!_ctx.TryLend(header, header + UlogHeader.Size + capacity))
            throw Fail(new ArgumentException($"buffer [0x{poolOffset:x}, +{size}) overlaps a buffer already lent to this transaction.", nameof(poolOffset)), noAbort: false);
        try
        {
            if (type == TxLogType.Snapshot)
            {
                _ctx.Undo.AppendUserBuffer(header, capacity, outermost: _ctx.Depth == 1);
            }
            else
            {
                (_ctx.RedoUserBuffers ??= []).Add((header, capacity));
                _ctx.RedoUserCapacity += capacity;
            }
        }
        catch (PmemException e)
        {
            throw Fail(e, noAbort: false);
        }
    }

    /// <summary>Lends the whole usable area of object <paramref name="buffer"/> as a log extension (see the other overload).</summary>
    /// <remarks>C: <c>pmemobj_tx_log_append_buffer(type, pmemobj_direct(oid), pmemobj_alloc_usable_size(oid))</c></remarks>
    public void AppendLogBuffer(TxLogType type, PmemOid buffer)
    {
        Check();
        if (buffer.IsNull || buffer.PoolUuidLo != _ctx.Alloc.UuidLo)
            throw Fail(new ArgumentException($"the buffer {buffer} is not an object of this pool.", nameof(buffer)), noAbort: false);
        AppendLogBuffer(type, buffer.Offset, _ctx.Pool!.UsableSize(buffer));
    }

    /// <summary>
    /// Whether the transaction may allocate extensions of the given log itself (on by default, for every
    /// transaction). With it off, a snapshot that does not fit the lane's log and the lent buffers aborts the
    /// transaction with a <see cref="PoolFullException"/> cause; for intents the commit checks, before anything is
    /// written, that one 16-byte entry per action (PMDK's estimate) fits, and aborts otherwise.
    /// </summary>
    /// <remarks>C: <c>pmemobj_tx_log_auto_alloc</c></remarks>
    public void SetLogAutoAllocate(TxLogType type, bool enabled)
    {
        Check();
        if (type == TxLogType.Snapshot)
            _ctx.Undo.AutoExtend = enabled;
        else if (type == TxLogType.Intent)
            _ctx.RedoAutoExtend = enabled;
        else
            throw Fail(new ArgumentOutOfRangeException(nameof(type), $"unknown log type {(int)type}."), noAbort: false);
    }

    /// <summary>Before the outermost commit: with intent auto-allocation off, the intents must fit what is there.</summary>
    private void CheckIntentLog()
    {
        if (_depth == 1 && !_ctx.RedoAutoExtend && !_ctx.IntentsFitWithoutExtending())
        {
            throw Fail(new PoolFullException(
                $"the commit's {_ctx.ActionCount} intents do not fit the intent log and its automatic extension is off (pmemobj_tx_log_auto_alloc)",
                _ctx.Pool?.Path), noAbort: false);
        }
    }
}
