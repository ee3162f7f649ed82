// A redo operation larger than the lane's log: entries spill into chained extensions (PMDK: libpmemobj/memops.c operation_reserve, ulog.c ulog_store).
using System.Buffers.Binary;
using Pmdk.Pool;

namespace Pmdk.Obj.Ulog;

internal sealed partial class Operation
{
    /// <summary>
    /// Stores, applies and clears a log of <paramref name="n"/> entry bytes that exceeds the lane's capacity
    /// (spec §4.5): the extension parts first (no checksum covers them), then the header and the first part,
    /// whose checksum makes the whole chain valid; afterwards the extensions are freed.
    /// </summary>
    private void ProcessChained(int n, IUlogExtender extender)
    {
        var chain = new List<(ulong Header, ulong Capacity)>();
        ulong link = _ulogOffset + 8;
        ulong total = (ulong)_capacity;
        while (true)
        {
            ulong next = _pool.Word(link);
            if (next == 0)
            {
                if (total >= (ulong)n)
                    break;
                extender.Extend(link, UlogExtension.RedoRequestSize, 0);
                continue;
            }
            ulong h = RedoLog.NextHeader(_pool, next);
            ulong cap = _pool.Ref<UlogHeader>(h).Capacity;
            _pool.CheckRange(h + UlogHeader.Size, cap, "redo extension capacity");
            chain.Add((h, cap));
            total += cap;
            link = h + 8;
            if (chain.Count > 1 << 16)
                throw new PoolCorruptedException("redo extension chain does not end", _pool.Path);
        }

        int stored = (ulong)n == total ? n : (n + 8 + 63) & ~63;
        if (_buffer.Length < UlogHeader.Size + stored)
            Array.Resize(ref _buffer, UlogHeader.Size + stored);
        Span<byte> log = _buffer.AsSpan(0, UlogHeader.Size + stored);
        log[(UlogHeader.Size + n)..].Clear();

        int written = _capacity;
        foreach ((ulong h, ulong cap) in chain)
        {
            if (written >= stored)
                break;
            int part = (int)Math.Min(cap, (ulong)(stored - written));
            _pool.Persistence.Copy(h + UlogHeader.Size, log.Slice(UlogHeader.Size + written, part), Pmem.PmemFlags.NoDrain);
            written += part;
        }
        _pool.Drain();

        Span<byte> head = log[..(UlogHeader.Size + _capacity)];
        ulong first = _pool.Word(_ulogOffset + 8);
        head[..UlogHeader.Size].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(head[8..], first);
        BinaryPrimitives.WriteUInt64LittleEndian(head[16..], (ulong)_capacity);
        BinaryPrimitives.WriteUInt64LittleEndian(head, Fletcher64.Compute(head, 0));
        // The commit point: the checksummed first part (the extensions were drained before).
        _pool.Persistence.Copy(_ulogOffset, head);
        for (int i = 0; i < _count; i++)
        {
            int pos = UlogHeader.Size + i * UlogValueEntry.Size;
            ApplyValue(_pool, BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(pos)),
                BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(pos + 8)));
        }
        _pool.Drain();
        RedoLog.Clear(_pool, _ulogOffset);
        _count = 0;
        extender.FreeChain(_ulogOffset + 8);
    }
}
