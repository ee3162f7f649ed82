// Adding ranges to a transaction: by OID, by pool offset, by reference (PMDK: libpmemobj/tx.c pmemobj_tx_add_range, pmemobj_tx_xadd_range, pmemobj_tx_add_range_direct).
using System.Runtime.CompilerServices;

namespace Pmdk.Obj.Tx;

public sealed partial class ObjTransaction
{
    private const TxAddFlags ValidAddFlags = TxAddFlags.NoFlush | TxAddFlags.NoSnapshot | TxAddFlags.AssumeInitialized | TxAddFlags.NoAbort;

    /// <summary>
    /// Adds <paramref name="size"/> bytes at <paramref name="offset"/> into object <paramref name="oid"/> to the
    /// transaction: snapshotted now (durably) so an abort or a crash restores them, flushed at commit.
    /// </summary>
    /// <exception cref="TransactionAbortedException">The range is invalid or the log could not grow; the transaction was aborted.</exception>
    /// <remarks>C: <c>pmemobj_tx_add_range</c>, <c>pmemobj_tx_xadd_range</c></remarks>
    public void AddRange(PmemOid oid, ulong offset, ulong size, TxAddFlags flags = TxAddFlags.None)
    {
        Check();
        if (oid.PoolUuidLo != _ctx.Alloc.UuidLo)
            throw Fail(new ArgumentException($"the OID's pool uuid 0x{oid.PoolUuidLo:x16} is not this pool's (0x{_ctx.Alloc.UuidLo:x16}).", nameof(oid)), (flags & TxAddFlags.NoAbort) != 0);
        AddCommon(oid.Offset + offset, size, flags);
    }

    /// <summary>Adds a range given by its offset from the pool start. C: <c>pmemobj_tx_add_range_direct</c>, <c>pmemobj_tx_xadd_range_direct</c>.</summary>
    public void AddRangeDirect(ulong poolOffset, ulong size, TxAddFlags flags = TxAddFlags.None)
    {
        Check();
        AddCommon(poolOffset, size, flags);
    }

    /// <summary>Adds bytes of the pool given as a span over the mapping. C: <c>pmemobj_tx_add_range_direct</c>.</summary>
    public void AddRangeDirect(ReadOnlySpan<byte> pmemBytes, TxAddFlags flags = TxAddFlags.None)
    {
        Check();
        ulong? off = _ctx.Pool!.OffsetOf(ref Unsafe.AsRef(in System.Runtime.InteropServices.MemoryMarshal.GetReference(pmemBytes)));
        if (off is null)
            throw Fail(new ArgumentException("the span does not point into the pool.", nameof(pmemBytes)), (flags & TxAddFlags.NoAbort) != 0);
        AddCommon(off.Value, (ulong)pmemBytes.Length, flags);
    }

    /// <summary>Snapshots a <typeparamref name="T"/> living in the pool (e.g. <c>ref pool.Ref&lt;T&gt;(oid)</c>) before it changes.</summary>
    /// <remarks>C: <c>TX_ADD_DIRECT</c>, <c>TX_ADD_FIELD_DIRECT</c></remarks>
    public unsafe void Snapshot<T>(ref T value, TxAddFlags flags = TxAddFlags.None) where T : unmanaged
    {
        Check();
        ulong? off = _ctx.Pool!.OffsetOf(ref value);
        if (off is null)
            throw Fail(new ArgumentException($"the {typeof(T).Name} does not live in the pool.", nameof(value)), (flags & TxAddFlags.NoAbort) != 0);
        AddCommon(off.Value, (ulong)sizeof(T), flags);
    }

    private void AddCommon(ulong offset, ulong size, TxAddFlags flags)
    {
        bool noAbort = (flags & TxAddFlags.NoAbort) != 0;
        if ((flags & ~ValidAddFlags) != 0)
            throw Fail(new ArgumentException($"unknown flags 0x{(ulong)(flags & ~ValidAddFlags):x}.", nameof(flags)), noAbort);
        if (size > ObjPool.MaxAllocSize)
            throw Fail(new ArgumentOutOfRangeException(nameof(size), $"snapshot size {size} too large."), noAbort);
        ulong heapStart = _ctx.Alloc.Heap.HeapOffset, heapEnd = _ctx.Alloc.Heap.HeapEnd;
        if (offset < heapStart || offset > heapEnd || size > heapEnd - offset)
            throw Fail(new ArgumentOutOfRangeException(nameof(offset), $"range [0x{offset:x}, +{size}) lies outside the heap."), noAbort);
        try
        {
            _ctx.AddRange(offset, size, flags);
        }
        catch (PmemException e)
        {
            throw Fail(e, noAbort);
        }
    }
}
