// Runs: creation, free-bit search, ownership by an arena's bucket and the recycler of runs with space (PMDK: libpmemobj/heap.c, memblock.c run_*, recycler.c).
using System.Numerics;
using Pmdk.Obj.Alloc;

namespace Pmdk.Obj.Heap;

/// <summary>
/// DRAM description of a run found on media or created by us. A run is owned by at most one arena bucket at a
/// time (<see cref="Owner"/>): only that bucket reserves blocks in it, under the arena's lock. Frees from any
/// thread clear bitmap bits through a redo log (atomic AND) and never need the owner's lock.
/// </summary>
internal sealed class RunInfo
{
    public required int Zone { get; init; }
    public required uint Chunk { get; init; }
    public required uint SizeIdx { get; init; }
    public required ulong Unit { get; init; }
    public required RunGeometry Geometry { get; init; }
    public required ulong BitmapOffset { get; init; }
    public required ulong DataStart { get; init; }
    public required HeaderType Header { get; init; }
    public AllocationClass? Class { get; init; }

    // A cache line of padding on both sides: runs of different arenas must not share a line of reservations.
    private const int Pad = 8;
    private readonly ulong[] _reserved;

    public RunInfo(uint bitmapWords) => _reserved = new ulong[bitmapWords + 2 * Pad];

    /// <summary>Bits of bitmap word <paramref name="word"/> reserved by unpublished allocations (media still says free).</summary>
    public ref ulong Reserved(uint word) => ref _reserved[Pad + word];

    /// <summary>All reservation words.</summary>
    public Span<ulong> ReservedWords => _reserved.AsSpan(Pad, _reserved.Length - 2 * Pad);

    /// <summary>Next bitmap word to search (owner only).</summary>
    public uint HintWord;

    /// <summary>The arena whose bucket holds the run, or null (changed under the heap's global lock).</summary>
    public volatile Arena? Owner;

    /// <summary>Whether the run sits in its class's recycler list (global lock).</summary>
    public bool InRecycler;

    /// <summary>The run was turned back into free chunks; the object is stale.</summary>
    public volatile bool Dead;

    /// <summary>Offset of the run's chunk.</summary>
    public ulong ChunkOffset => BitmapOffset - ChunkRunHeader.Size;
}

internal sealed partial class Heap
{
    // Per class: unowned runs with free space (PMDK's recycler). Global lock.
    private readonly List<RunInfo>[] _available;

    /// <summary>
    /// Finds <paramref name="units"/> consecutive free bits inside one bitmap word of the active run of
    /// <paramref name="arena"/>'s bucket for class <paramref name="c"/>, taking another run from the recycler or
    /// creating one when it has none; the bits are reserved in DRAM (the caller's redo log sets them on media).
    /// The caller holds <paramref name="arena"/>'s lock.
    /// </summary>
    public bool TryReserveRunBlock(Arena arena, AllocationClass c, uint units, out RunInfo run, out uint bit, out ulong mask)
    {
        RunInfo? r = arena.Active[c.Id];
        if (r is null || r.Dead || !TryFindBits(r, units, out bit))
        {
            lock (_global)
            {
                if (r is not null)
                    DetachLocked(arena, c, r);
                r = AcquireRunLocked(c, units);
                if (r is null)
                {
                    run = null!;
                    bit = 0;
                    mask = 0;
                    return false;
                }
                r.Owner = arena;
                arena.Active[c.Id] = r;
            }
            if (!TryFindBits(r, units, out bit))
                throw new InvalidOperationException("a run acquired for an allocation has no room for it.");
        }
        run = r;
        mask = (units == 64 ? ulong.MaxValue : (1UL << (int)units) - 1) << (int)(bit % 64);
        Interlocked.Or(ref r.Reserved(bit / 64), mask);
        return true;
    }

    /// <summary>A bucket gives up its active run: it goes to the recycler when it still has a free bit.</summary>
    private void DetachLocked(Arena arena, AllocationClass c, RunInfo r)
    {
        if (arena.Active[c.Id] == r)
            arena.Active[c.Id] = null;
        if (r.Owner != arena)
            return;
        r.Owner = null;
        // The owner is cleared before the bitmap is read: a free that lands after this read sees no owner
        // and recycles the run itself (RunGainedSpace).
        Interlocked.MemoryBarrier();
        if (!r.Dead && !r.InRecycler && HasFreeBit(r))
        {
            r.InRecycler = true;
            (_available[c.Id] ??= []).Add(r);
        }
    }

    /// <summary>A recycled run with room for <paramref name="units"/> units, or a new run. Global lock held.</summary>
    private RunInfo? AcquireRunLocked(AllocationClass c, uint units)
    {
        EnsureBootedLocked();
        if (TryRecycled(c, units) is RunInfo recycled)
            return recycled;
        int scans = _zoneScans;
        if (TryCreateRun(c, out RunInfo? created))
            return created;
        // Out of chunks: the zone scan that just ran refilled the recycler, look again.
        return scans != _zoneScans ? TryRecycled(c, units) : null;
    }

    /// <summary>
    /// A run of the recycler with room for <paramref name="units"/>. Every run looked at leaves the list: one that
    /// cannot hold the request (free bits scattered over the bitmap words) comes back with its next free or the
    /// next zone scan, so no run is scanned twice in vain.
    /// </summary>
    private RunInfo? TryRecycled(AllocationClass c, uint units)
    {
        List<RunInfo> list = _available[c.Id] ??= [];
        while (list.Count > 0)
        {
            RunInfo r = list[^1];
            list.RemoveAt(list.Count - 1);
            r.InRecycler = false;
            if (!r.Dead && TryFindBits(r, units, out _))
                return r;
        }
        return null;
    }

    /// <summary>Marks a run as having space again after a free or a cancelled reservation.</summary>
    public void RunGainedSpace(ulong runChunkOffset)
    {
        RunInfo? r = RunAt(runChunkOffset);
        if (r is null || r.Owner is not null || r.Dead || Volatile.Read(ref r.InRecycler) || r.Class is null)
            return;
        lock (_global)
        {
            if (r.Owner is not null || r.Dead || r.InRecycler || RunAt(runChunkOffset) != r)
                return;
            r.InRecycler = true;
            (_available[r.Class.Id] ??= []).Add(r);
        }
    }

    /// <summary>Forgets a reservation of run bits (published: the media bitmap now has them; cancelled: free again).</summary>
    public void UnreserveBits(ulong runChunkOffset, uint word, ulong mask)
    {
        RunInfo? r = RunAt(runChunkOffset);
        if (r is not null && word < r.Geometry.NValues)
            Interlocked.And(ref r.Reserved(word), ~mask);
    }

    private bool HasFreeBit(RunInfo r)
    {
        RunGeometry g = r.Geometry;
        for (uint w = 0; w < g.NValues; w++)
        {
            ulong v = Volatile.Read(ref r.Reserved(w)) | Volatile.Read(ref _pool.Word(r.BitmapOffset + w * 8UL));
            if (v != ulong.MaxValue)
                return true;
        }
        return false;
    }

    private bool TryFindBits(RunInfo r, uint units, out uint bit)
    {
        uint nvalues = r.Geometry.NValues;
        uint start = r.HintWord < nvalues ? r.HintWord : 0;
        for (uint i = 0; i < nvalues; i++)
        {
            uint w = start + i;
            if (w >= nvalues)
                w -= nvalues;
            // Reserved first, media second: a publication sets the media bit before it drops the reservation.
            ulong v = Volatile.Read(ref r.Reserved(w)) | Volatile.Read(ref _pool.Word(r.BitmapOffset + w * 8UL));
            if (v == ulong.MaxValue)
                continue;
            ulong free = ~v;
            ulong x = free;
            for (int k = 1; k < (int)units; k++)
                x &= free >> k;
            if (x != 0)
            {
                bit = w * 64 + (uint)BitOperations.TrailingZeroCount(x);
                if (bit + units <= r.Geometry.NBits)
                {
                    if (r.HintWord != w)
                        r.HintWord = w;
                    return true;
                }
            }
        }
        bit = 0;
        return false;
    }

    /// <summary>
    /// Creates a run of class <paramref name="c"/> (spec §5.5): run header and initial bitmap, RUN_DATA headers,
    /// then the RUN chunk header in one store (the commit point). Global lock held.
    /// </summary>
    private bool TryCreateRun(AllocationClass c, out RunInfo run)
    {
        run = null!;
        if (!TryReserveChunks(c.RunSizeIdx, out int zone, out uint chunk))
            return false;
        ulong chunkOff = ChunkOffset(zone, chunk);
        RunGeometry g = c.Geometry;
        _pool.Word(chunkOff) = c.UnitSize;
        _pool.Word(chunkOff + 8) = c.Alignment;
        ulong bitmap = chunkOff + ChunkRunHeader.Size;
        uint words = g.BitmapBytes / 8;
        for (uint w = 0; w < words; w++)
        {
            ulong v = w < g.NValues - 1 ? 0UL
                : w == g.NValues - 1 ? (g.NBits % 64 == 0 ? ulong.MaxValue : ulong.MaxValue << (int)(g.NBits % 64))
                : ulong.MaxValue;
            _pool.Word(bitmap + w * 8UL) = v;
        }
        _pool.Flush(chunkOff, ChunkRunHeader.Size + g.BitmapBytes);
        for (uint k = 1; k < c.RunSizeIdx; k++)
            _pool.Word(ChunkHeaderOffset(zone, chunk + k)) = ChunkHeader.Pack(ChunkType.RunData, ChunkFlags.None, k);
        if (c.RunSizeIdx > 1)
            _pool.Flush(ChunkHeaderOffset(zone, chunk + 1), (c.RunSizeIdx - 1) * 8UL);
        _pool.Drain();
        StoreChunkHeader(zone, chunk, ChunkHeader.Pack(ChunkType.Run, c.RunFlags, c.RunSizeIdx));
        run = NewRunInfo(zone, chunk, c.RunSizeIdx, c.UnitSize, c.Alignment, c.RunFlags, g, c);
        SetRunAt(zone, chunk, run);
        RunActive += c.RunSizeIdx * HeapLayout.ChunkSize;
        return true;
    }

    private RunInfo NewRunInfo(int zone, uint chunk, uint sizeIdx, ulong unit, ulong alignment, ChunkFlags flags,
        RunGeometry g, AllocationClass? c)
    {
        ulong chunkOff = ChunkOffset(zone, chunk);
        HeaderType h = AllocationHeader.FromChunkFlags(flags);
        return new RunInfo(g.NValues)
        {
            Zone = zone,
            Chunk = chunk,
            SizeIdx = sizeIdx,
            Unit = unit,
            Geometry = g,
            BitmapOffset = chunkOff + ChunkRunHeader.Size,
            DataStart = g.DataStart(chunkOff, alignment, AllocationHeader.SizeOf(h)),
            Header = h,
            Class = c,
        };
    }
}
