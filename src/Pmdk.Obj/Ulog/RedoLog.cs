// Recovery and clearing of redo ulogs, and the walk over a ulog chain (PMDK: libpmemobj/ulog.c).
using System.Buffers.Binary;
using Pmdk.Pool;

namespace Pmdk.Obj.Ulog;

/// <summary>Static operations on redo ulogs in the pool (spec §4.2–§4.5).</summary>
internal static class RedoLog
{
    /// <summary>Zeroes a ulog header except <c>next</c>, durably. C: <c>ulog_clobber</c>.</summary>
    public static void Clear(ObjMemory pool, ulong ulogOffset)
    {
        ref UlogHeader h = ref pool.Ref<UlogHeader>(ulogOffset);
        ulong next = h.Next;
        h = default;
        h.Next = next;
        pool.Persist(ulogOffset, UlogHeader.Size);
    }

    /// <summary>
    /// Bytes of consecutive valid entries in the first ulog (bounded by its capacity), or -1 when the log is
    /// empty or its checksum does not match (a torn store). C: <c>ulog_recovery_needed</c> + <c>ulog_check</c>.
    /// </summary>
    public static long ValidLength(ObjMemory pool, ulong ulogOffset, ulong baseCapacity)
    {
        ref UlogHeader h = ref pool.Ref<UlogHeader>(ulogOffset);
        ulong capacity = Math.Min(h.Capacity, baseCapacity);
        ulong data = ulogOffset + UlogHeader.Size;
        ulong n = 0;
        while (n + 8 <= capacity)
        {
            ulong word = pool.Word(data + n);
            if (word == 0)
                break;
            ulong size = EntrySize(pool, data + n, word);
            if (size == 0 || n + size > capacity)
                break;
            n += size;
        }
        if (n == 0)
            return -1;
        ulong sum = Fletcher64.Compute(pool.Span(ulogOffset, (int)(UlogHeader.Size + n)), 0);
        return sum == h.Checksum ? (long)n : -1;
    }

    /// <summary>Replays a committed redo log of the chain starting at <paramref name="ulogOffset"/> and clears it.</summary>
    /// <returns>Whether anything was replayed.</returns>
    public static bool Recover(ObjMemory pool, ulong ulogOffset, ulong baseCapacity)
    {
        if (ValidLength(pool, ulogOffset, baseCapacity) <= 0)
            return false;
        ulong current = ulogOffset;
        ulong capacity = Math.Min(pool.Ref<UlogHeader>(ulogOffset).Capacity, baseCapacity);
        int hops = 0;
        while (true)
        {
            ulong data = current + UlogHeader.Size;
            ulong pos = 0;
            while (pos + 8 <= capacity)
            {
                ulong word = pool.Word(data + pos);
                if (word == 0)
                    goto done;
                if (UlogEntry.IsBuffer(word))
                {
                    ulong size = EntrySize(pool, data + pos, word);
                    if (size == 0 || pos + size > capacity)
                        goto done;
                    ApplyBuffer(pool, data + pos, word);
                    pos += size;
                }
                else
                {
                    if (pos + UlogValueEntry.Size > capacity)
                        goto done;
                    Operation.ApplyValue(pool, word, pool.Word(data + pos + 8));
                    pos += UlogValueEntry.Size;
                }
            }
            ulong next = pool.Ref<UlogHeader>(current).Next;
            if (next == 0 || ++hops > 1 << 16)
                break;
            current = NextHeader(pool, next);
            capacity = pool.Ref<UlogHeader>(current).Capacity;
            pool.CheckRange(current + UlogHeader.Size, capacity, "ulog extension capacity");
        }
    done:
        pool.Drain();
        Clear(pool, ulogOffset);
        return true;
    }

    /// <summary>The header offset of the extension whose allocation starts at <paramref name="next"/>.</summary>
    public static ulong NextHeader(ObjMemory pool, ulong next)
    {
        ulong header = (next + 63) & ~63UL;
        pool.CheckRange(header, UlogHeader.Size, "ulog next");
        return header;
    }

    /// <summary>Bytes an entry occupies (0 when it cannot be an entry).</summary>
    public static ulong EntrySize(ObjMemory pool, ulong entryOffset, ulong word)
    {
        if (!UlogEntry.IsBuffer(word))
            return UlogValueEntry.Size;
        if (!pool.InRange(entryOffset, UlogBufferEntryHeader.Size))
            return 0;
        ulong size = pool.Word(entryOffset + 16);
        if (size > pool.Size)
            return 0;
        return (UlogBufferEntryHeader.Size + size + 63) & ~63UL;
    }

    private static void ApplyBuffer(ObjMemory pool, ulong entryOffset, ulong word)
    {
        ulong target = word & UlogEntry.OffsetMask;
        ulong size = pool.Word(entryOffset + 16);
        pool.CheckRange(target, size, "ulog buffer entry target");
        pool.CheckRange(entryOffset + UlogBufferEntryHeader.Size, size, "ulog buffer entry data");
        if ((word & UlogEntry.OperationMask) == (ulong)UlogOperation.BufSet)
            pool.Persistence.Fill(target, pool.Span(entryOffset + UlogBufferEntryHeader.Size, 1)[0], size, Pmem.PmemFlags.NoDrain);
        else
            pool.Persistence.Copy(target, pool.Span(entryOffset + UlogBufferEntryHeader.Size, (int)size), Pmem.PmemFlags.NoDrain);
    }

    /// <summary>Whether a buffer entry's checksum matches under generation <paramref name="genNum"/>.</summary>
    public static bool BufferEntryValid(ObjMemory pool, ulong entryOffset, ulong padded, ulong genNum)
    {
        if (padded > int.MaxValue - 8)
            return false;
        byte[] tmp = System.Buffers.ArrayPool<byte>.Shared.Rent((int)padded + 8);
        try
        {
            Span<byte> s = tmp.AsSpan(0, (int)padded + 8);
            pool.Span(entryOffset, (int)padded).CopyTo(s);
            BinaryPrimitives.WriteUInt64LittleEndian(s[(int)padded..], genNum);
            return Fletcher64.Compute(s, 8) == pool.Word(entryOffset + 8);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(tmp);
        }
    }
}
