// Appending snapshots to a lane's undo log and its extensions; abort and post-commit cleanup (PMDK: libpmemobj/memops.c operation_add_buffer, ulog.c ulog_entry_buf_create, ulog_clobber_data).
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;
using Pmdk.Pmem;

namespace Pmdk.Obj.Tx;

/// <summary>
/// Writes BUF_CPY snapshot entries into the undo chain of the transaction's lane (spec §4.6): each entry is
/// checksummed with the head's <c>gen_num</c>, never crosses a ulog, and the 64 bytes after it are zeroed
/// and made durable first, so the log always ends cleanly. Reused by the thread for every transaction.
/// </summary>
internal sealed partial class UndoLogWriter
{
    private ObjMemory _pool = null!;
    private IUlogExtender _extender = null!;
    private ulong _head;
    private ulong _gen;
    private ulong _cur;
    private ulong _curOffset;
    private ulong _remaining;

    /// <summary>Bytes of entries written in this transaction.</summary>
    public ulong Logged { get; private set; }

    /// <summary>Data bytes snapshotted in this transaction (test hook: no byte twice).</summary>
    public ulong SnapshotBytes { get; private set; }

    /// <summary>The head's generation at the start of the transaction.</summary>
    public ulong Generation => _gen;

    /// <summary>Offset of the head's <c>gen_num</c> field.</summary>
    public ulong GenerationField => _head + 24;

    public void Begin(ObjMemory pool, ulong undoOffset, IUlogExtender extender)
    {
        _pool = pool;
        _extender = extender;
        _head = undoOffset;
        _gen = pool.Ref<UlogHeader>(undoOffset).GenNum;
        _cur = 0;
        _curOffset = 0;
        _remaining = 0;
        Logged = 0;
        SnapshotBytes = 0;
        ResetUserBuffers();
    }

    /// <summary>Snapshots <c>[target, target+size)</c>, durably, splitting it across ulogs as needed.</summary>
    public void Append(ulong target, ulong size)
    {
        SnapshotBytes += size;
        while (size > 0)
        {
            if (_remaining == 0)
                Advance();
            ulong real = size + UlogBufferEntryHeader.Size;
            ulong cur = Math.Min(real, _remaining);
            ulong data = cur - UlogBufferEntryHeader.Size;
            ulong entrySize = (cur + 63) & ~63UL;
            ulong entry = _cur + UlogHeader.Size + _curOffset;
            ClobberNext(entry, entrySize);
            WriteEntry(entry, target, data);
            Logged += entrySize;
            _curOffset += entrySize;
            _remaining -= entrySize;
            target += data;
            size -= data;
        }
    }

    /// <summary>After the commit record: drops the extensions but the first (kept for the next transaction).</summary>
    public void AfterCommit()
    {
        UnlinkUserBuffers();
        if (Logged == 0)
            return;
        FreeBeyondFirst();
        Logged = 0;
    }

    /// <summary>Restores every snapshot, bumps <c>gen_num</c> durably, drops the extensions but the first.</summary>
    public void Abort()
    {
        if (Logged == 0)
        {
            UnlinkUserBuffers();
            return;
        }
        UndoLog.Recover(_pool, _head);
        UnlinkUserBuffers();
        FreeBeyondFirst();
        Logged = 0;
    }

    private void FreeBeyondFirst()
    {
        ulong first = _pool.Word(_head + 8);
        if (first != 0)
            _extender.FreeChain(RedoLog.NextHeader(_pool, first) + 8);
    }

    /// <summary>Moves to the next ulog of the chain, allocating an extension when there is none.</summary>
    private void Advance()
    {
        if (_cur == 0)
        {
            _cur = _head;
            _remaining = Math.Min(_pool.Ref<UlogHeader>(_head).Capacity, LaneLayout.UndoCapacity);
            if (_remaining < 64)
                throw new PoolCorruptedException($"lane undo log at 0x{_head:x} has capacity {_remaining} (field 'capacity')", _pool.Path);
            _curOffset = 0;
            return;
        }
        ulong next = _pool.Word(_cur + 8);
        if (next == 0)
        {
            if (!AutoExtend)
                throw LogFull();
            _extender.Extend(_cur + 8, UlogExtension.UndoRequestSize, _gen);
            next = _pool.Word(_cur + 8);
        }
        _cur = RedoLog.NextHeader(_pool, next);
        ulong cap = _pool.Ref<UlogHeader>(_cur).Capacity & ~63UL;
        _pool.CheckRange(_cur + UlogHeader.Size, cap, "undo extension capacity");
        if (cap < 64)
            throw new PoolCorruptedException($"undo extension at 0x{_cur:x} has capacity {cap} (field 'capacity')", _pool.Path);
        _curOffset = 0;
        _remaining = cap;
    }

    /// <summary>
    /// Zeroes the 64 bytes where the entry after this one would start. PMDK drains this on its own; here it
    /// shares the entry's drain: a slot not yet zeroed at a crash holds bytes of an older generation, which fail
    /// the checksum just as well, so the log still ends at this entry.
    /// </summary>
    private void ClobberNext(ulong entry, ulong entrySize)
    {
        if (entrySize < _remaining)
        {
            _pool.Persistence.Fill(entry + entrySize, 0, 64, PmemFlags.NoDrain);
            return;
        }
        ulong next = _pool.Word(_cur + 8);
        if (next == 0)
            return;
        ulong h = RedoLog.NextHeader(_pool, next);
        if (_pool.Ref<UlogHeader>(h).Capacity >= 64)
        {
            _pool.CheckRange(h + UlogHeader.Size, 64, "undo extension data");
            _pool.Persistence.Fill(h + UlogHeader.Size, 0, 64, PmemFlags.NoDrain);
        }
    }

    /// <summary>
    /// Writes one entry: the data past the first cache line, then the first cache line (header, 40 data bytes,
    /// checksum) and drains. The checksum covers the padded entry and the head's gen_num (spec §4.3).
    /// </summary>
    private void WriteEntry(ulong entry, ulong target, ulong data)
    {
        Span<byte> first = stackalloc byte[64];
        first.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(first, target | (ulong)UlogOperation.BufCpy);
        BinaryPrimitives.WriteUInt64LittleEndian(first[16..], data);
        int ncopy = (int)Math.Min(data, 40);
        _pool.Span(target, ncopy).CopyTo(first[24..]);
        ulong rest = data - (ulong)ncopy;
        ulong rcopy = rest & ~63UL;
        int lcopy = (int)(rest - rcopy);
        ulong sum = TxChecksum.Seq(first, 0);
        if (rcopy != 0)
        {
            ReadOnlySpan<byte> src = _pool.Span(target + (ulong)ncopy, checked((int)rcopy));
            _pool.Persistence.Copy(entry + 64, src, PmemFlags.NoDrain | PmemFlags.NonTemporal);
            sum = TxChecksum.Seq(src, sum);
        }
        if (lcopy != 0)
        {
            Span<byte> last = stackalloc byte[64];
            last.Clear();
            _pool.Span(target + (ulong)ncopy + rcopy, lcopy).CopyTo(last);
            _pool.Persistence.Copy(entry + 64 + rcopy, last, PmemFlags.NoDrain | PmemFlags.NonTemporal);
            sum = TxChecksum.Seq(last, sum);
        }
        ulong gen = _gen;
        sum = TxChecksum.Seq(MemoryMarshal.AsBytes(new ReadOnlySpan<ulong>(in gen)), sum);
        BinaryPrimitives.WriteUInt64LittleEndian(first[8..], sum);
        _pool.Persistence.Copy(entry, first, PmemFlags.NoDrain | PmemFlags.NonTemporal);
        _pool.Drain();
    }
}
