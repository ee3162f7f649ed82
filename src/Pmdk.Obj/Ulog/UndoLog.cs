// Undo log recovery at open: restore snapshots, bump the generation, free extensions (PMDK: libpmemobj/ulog.c, tx.c tx_post_commit/lane_undo_recovery).
namespace Pmdk.Obj.Ulog;

/// <summary>Recovery of a lane's undo log (spec §4.7, §4.8 step 3).</summary>
internal static class UndoLog
{
    [ThreadStatic]
    private static List<(ulong Object, ulong LinkField)>? t_extensions;

    /// <summary>
    /// Applies the valid snapshots of the undo chain at <paramref name="ulogOffset"/> when the lane needs it,
    /// then increments <c>gen_num</c>. Returns the extension allocations (user offsets, chain order) that the
    /// caller must free, or null when there are none. The list is the calling thread's, reused by its next call
    /// (consume it first), so that a runtime abort, which frees the extensions itself, allocates nothing.
    /// </summary>
    public static List<(ulong Object, ulong LinkField)>? Recover(ObjMemory pool, ulong ulogOffset)
    {
        ref UlogHeader head = ref pool.Ref<UlogHeader>(ulogOffset);
        ulong gen = head.GenNum;
        bool hasEntry = FirstEntryValid(pool, ulogOffset, gen);
        if (!hasEntry && head.Next == 0)
            return null;
        List<(ulong, ulong)>? extensions = null;
        t_extensions?.Clear();
        ulong current = ulogOffset;
        ulong capacity = Math.Min(head.Capacity, Lanes.LaneLayout.UndoCapacity);
        bool walking = hasEntry;
        int hops = 0;
        while (true)
        {
            ulong data = current + UlogHeader.Size;
            ulong pos = 0;
            while (walking && pos + UlogBufferEntryHeader.Size <= capacity)
            {
                ulong word = pool.Word(data + pos);
                if (word == 0 || !UlogEntry.IsBuffer(word))
                {
                    walking = false;
                    break;
                }
                ulong size = RedoLog.EntrySize(pool, data + pos, word);
                if (size == 0 || pos + size > capacity || !RedoLog.BufferEntryValid(pool, data + pos, size, gen))
                {
                    walking = false;
                    break;
                }
                ulong target = word & UlogEntry.OffsetMask;
                ulong len = pool.Word(data + pos + 16);
                pool.CheckRange(target, len, "undo entry target");
                if ((word & UlogEntry.OperationMask) == (ulong)UlogOperation.BufSet)
                    pool.Persistence.Fill(target, pool.Span(data + pos + UlogBufferEntryHeader.Size, 1)[0], len, Pmem.PmemFlags.NoDrain);
                else
                    pool.Persistence.Copy(target, pool.Span(data + pos + UlogBufferEntryHeader.Size, (int)len), Pmem.PmemFlags.NoDrain);
                pos += size;
            }
            ulong next = pool.Ref<UlogHeader>(current).Next;
            if (next == 0 || ++hops > 1 << 16)
                break;
            (extensions ??= t_extensions ??= []).Add((next, current + 8));
            current = RedoLog.NextHeader(pool, next);
            capacity = pool.Ref<UlogHeader>(current).Capacity;
            pool.CheckRange(current + UlogHeader.Size, capacity, "undo extension capacity");
        }
        pool.Drain();
        pool.StoreWord(ulogOffset + 24, gen + 1);
        return extensions;
    }

    private static bool FirstEntryValid(ObjMemory pool, ulong ulogOffset, ulong gen)
    {
        ulong capacity = Math.Min(pool.Ref<UlogHeader>(ulogOffset).Capacity, Lanes.LaneLayout.UndoCapacity);
        ulong data = ulogOffset + UlogHeader.Size;
        if (capacity < UlogBufferEntryHeader.Size)
            return false;
        ulong word = pool.Word(data);
        if (word == 0 || !UlogEntry.IsBuffer(word))
            return false;
        ulong size = RedoLog.EntrySize(pool, data, word);
        return size != 0 && size <= capacity && RedoLog.BufferEntryValid(pool, data, size, gen);
    }
}
