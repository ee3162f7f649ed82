// Zone scan: rebuild the DRAM indexes, coalesce free blocks, turn empty runs into free blocks (PMDK: libpmemobj/heap.c heap_reclaim_zone_garbage).
using System.Numerics;
using Pmdk.Obj.Alloc;

namespace Pmdk.Obj.Heap;

internal sealed partial class Heap
{
    private bool _booted;
    private int _zoneScans;
    private long _runAllocatedBase;

    /// <summary>Bytes of allocated run blocks (statistic <c>heap.run_allocated</c>): the last zone scan's count plus the arenas' deltas since.</summary>
    public ulong RunAllocated
    {
        get
        {
            long sum = Volatile.Read(ref _runAllocatedBase);
            foreach (Arena a in Volatile.Read(ref _arenas))
                sum += Volatile.Read(ref a.RunAllocated);
            return sum < 0 ? 0 : (ulong)sum;
        }
    }

    /// <summary>Bytes of all runs (statistic <c>heap.run_active</c>).</summary>
    public ulong RunActive { get; private set; }

    /// <summary>
    /// Repairs zones whose size_idx is smaller than the geometry (spec §5.10): the missing chunks become one FREE
    /// block and the zone header is rewritten. A larger size_idx is corruption.
    /// </summary>
    public void RepairZones()
    {
        for (int z = 0; z < ZoneCount; z++)
        {
            ref ZoneHeader zh = ref Zone(z);
            if (zh.Magic == 0)
                continue;
            uint expected = _zoneChunks[z];
            if (zh.SizeIdx > expected)
                throw new PoolCorruptedException($"heap: zone {z}: field 'size_idx' {zh.SizeIdx} exceeds the {expected} chunks of the zone", _pool.Path);
            if (zh.SizeIdx == expected)
                continue;
            uint old = zh.SizeIdx, add = expected - old;
            StoreChunkHeader(z, old, ChunkHeader.Pack(ChunkType.Free, ChunkFlags.None, add));
            if (add > 1)
                StoreChunkHeader(z, expected - 1, ChunkHeader.Pack(ChunkType.Footer, ChunkFlags.None, add));
            _pool.StoreWord(ZoneOffset(z), ZoneHeader.Pack(HeapLayout.ZoneMagic, expected));
        }
    }

    /// <summary>Scans the heap once, before the first allocation or free.</summary>
    public void EnsureBooted()
    {
        if (!Volatile.Read(ref _booted))
        {
            lock (_global)
                EnsureBootedLocked();
        }
    }

    private void EnsureBootedLocked()
    {
        if (!_booted)
            Rebuild();
    }

    /// <summary>
    /// Rebuilds the free-chunk index and the recycler from media; runs held by arena buckets keep their DRAM
    /// state. Writes only what PMDK's zone scan writes: merged free headers and footers, USED footers, and FREE
    /// headers over completely empty runs that no bucket is using. Global lock held.
    /// </summary>
    public void Rebuild()
    {
        _zoneScans++;
        _free.Clear();
        foreach (List<RunInfo>? l in _available)
        {
            if (l is null)
                continue;
            foreach (RunInfo r in l)
                r.InRecycler = false;
            l.Clear();
        }
        long used = 0;
        RunActive = 0;
        _nextUninitializedZone = 0;
        for (int z = 0; z < ZoneCount; z++)
        {
            ref ZoneHeader zh = ref Zone(z);
            if (zh.Magic == 0)
                continue;
            uint size = zh.SizeIdx;
            uint c = 0;
            uint pendStart = 0, pendSize = 0, pendBlocks = 0;
            while (c < size)
            {
                ulong w = ChunkHeaderWord(z, c);
                ChunkType t = ChunkHeader.TypeOf(w);
                uint s = ChunkHeader.SizeIdxOf(w);
                if (s == 0 || s > size - c)
                    throw new PoolCorruptedException($"heap: zone {z} chunk {c}: invalid chunk header field 'size_idx' {s}", _pool.Path);
                // A block reserved by an unpublished action (or being freed) is FREE on media but not free.
                bool free = t == ChunkType.Free && !IsReservedChunkBlock(z, c);
                if (t == ChunkType.Run && ScanRun(z, c, s, w, ref used))
                {
                    // Completely empty: becomes a free block (header first, footer next).
                    StoreChunkHeader(z, c, ChunkHeader.Pack(ChunkType.Free, ChunkFlags.None, s));
                    if (s > 1)
                        StoreChunkHeader(z, c + s - 1, ChunkHeader.Pack(ChunkType.Footer, ChunkFlags.None, s));
                    free = true;
                }
                if (free)
                {
                    if (pendSize == 0)
                        pendStart = c;
                    pendSize += s;
                    pendBlocks++;
                }
                else
                {
                    FlushFree(z, pendStart, pendSize, pendBlocks);
                    pendSize = pendBlocks = 0;
                    if (t == ChunkType.Used && s > 1 && !IsReservedChunkBlock(z, c))
                        EnsureFooter(z, c, s);
                }
                c += s;
            }
            FlushFree(z, pendStart, pendSize, pendBlocks);
        }
        long deltas = 0;
        foreach (Arena a in _arenas)
            deltas += Volatile.Read(ref a.RunAllocated);
        Volatile.Write(ref _runAllocatedBase, used - deltas);
        Volatile.Write(ref _booted, true);
    }

    private void FlushFree(int z, uint start, uint size, uint blocks)
    {
        if (size == 0)
            return;
        if (blocks > 1)
            StoreChunkHeader(z, start, ChunkHeader.Pack(ChunkType.Free, ChunkFlags.None, size));
        if (size > 1)
            EnsureFooter(z, start, size);
        _free.Add(new FreeBlock(size, z, start));
    }

    private void EnsureFooter(int z, uint start, uint size)
    {
        ulong footer = ChunkHeader.Pack(ChunkType.Footer, ChunkFlags.None, size);
        if (ChunkHeaderWord(z, start + size - 1) != footer)
            StoreChunkHeader(z, start + size - 1, footer);
    }

    /// <summary>
    /// Registers a run found on media (or refreshes the one already known); returns true when it is completely
    /// empty and no bucket is using it, so that it becomes free chunks (its DRAM state is then dead).
    /// </summary>
    private bool ScanRun(int z, uint c, uint s, ulong headerWord, ref long usedBytes)
    {
        ChunkFlags flags = ChunkHeader.FlagsOf(headerWord);
        ulong chunkOff = ChunkOffset(z, c);
        ulong unit = _pool.Word(chunkOff);
        ulong alignment = (flags & ChunkFlags.Aligned) != 0 ? _pool.Word(chunkOff + 8) : 0;
        if (!RunGeometry.TryCompute(s, flags, unit, alignment, out RunGeometry g))
            throw new PoolCorruptedException($"heap: zone {z} chunk {c}: run header field 'block_size' {unit} does not fit the run", _pool.Path);
        RunInfo? r = RunAt(chunkOff);
        if (r is not null && (r.Dead || r.Unit != unit || r.SizeIdx != s))
            r = null;
        // Reservations are read before the bitmap: a publication sets the bitmap before it drops its reservation.
        bool reserved = r is not null && HasReservedBits(r);
        ulong used = CountUsed(chunkOff, g);
        if (used == 0 && !reserved && TryRetire(r))
            return true;
        AllocationClass? cls = r?.Class;
        if (r is null)
        {
            cls = Classes.FindRunClass(unit, flags, s);
            if (cls is not null && cls.Alignment != alignment)
                cls = null;
            r = NewRunInfo(z, c, s, unit, alignment, flags, g, cls);
            SetRunAt(z, c, r);
        }
        RunActive += s * HeapLayout.ChunkSize;
        usedBytes += (long)(used * unit);
        if (cls is not null && r.Owner is null && used < g.NBits && HasFreeBit(r))
        {
            r.InRecycler = true;
            (_available[cls.Id] ??= []).Add(r);
        }
        return false;
    }

    private ulong CountUsed(ulong chunkOff, RunGeometry g)
    {
        ulong bitmap = chunkOff + ChunkRunHeader.Size;
        ulong used = 0;
        for (uint w = 0; w < g.NValues; w++)
        {
            ulong v = Volatile.Read(ref _pool.Word(bitmap + w * 8UL));
            uint validBits = Math.Min(64u, g.NBits - w * 64);
            if (validBits < 64)
                v &= (1UL << (int)validBits) - 1;
            used += (ulong)BitOperations.PopCount(v);
        }
        return used;
    }

    /// <summary>
    /// Takes an empty run away from DRAM so that its chunks can be freed: unknown and unowned runs at once, a
    /// bucket's active run only when its arena's lock is free (never waited for: the global lock is held).
    /// </summary>
    private bool TryRetire(RunInfo? r)
    {
        if (r is null)
            return true;
        Arena? owner = r.Owner;
        if (owner is null)
        {
            Retire(r);
            return true;
        }
        if (!owner.Lock.TryEnter())
            return false;
        try
        {
            if (r.Owner != owner || HasReservedBits(r) || CountUsed(r.ChunkOffset, r.Geometry) != 0)
                return false;
            if (r.Class is not null && owner.Active[r.Class.Id] == r)
                owner.Active[r.Class.Id] = null;
            r.Owner = null;
            Retire(r);
            return true;
        }
        finally
        {
            owner.Lock.Exit();
        }
    }

    private void Retire(RunInfo r)
    {
        r.Dead = true;
        r.InRecycler = false;
        SetRunAt(r.Zone, r.Chunk, null);
    }
}
