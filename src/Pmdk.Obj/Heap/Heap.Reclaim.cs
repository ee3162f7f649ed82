// Zone scan: rebuild the DRAM indexes, coalesce free blocks, turn empty runs into free blocks (PMDK: libpmemobj/heap.c heap_reclaim_zone_garbage).
using System.Numerics;
using Pmdk.Obj.Alloc;

namespace Pmdk.Obj.Heap;

internal sealed partial class Heap
{
    private bool _booted;

    /// <summary>Bytes of allocated run blocks (statistic <c>heap.run_allocated</c>).</summary>
    public ulong RunAllocated { get; set; }

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
        if (!_booted)
            Rebuild();
    }

    /// <summary>
    /// Rebuilds every DRAM index from media. Writes only what PMDK's zone scan writes: merged free headers and
    /// footers, USED footers, and FREE headers over completely empty runs.
    /// </summary>
    public void Rebuild()
    {
        _booted = true;
        _free.Clear();
        _runs.Clear();
        foreach (List<RunInfo>? l in _available)
            l?.Clear();
        RunAllocated = 0;
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
                // A block reserved by an unpublished action is FREE on media but not free.
                bool free = t == ChunkType.Free && !IsReservedChunkBlock(z, c);
                if (t == ChunkType.Run && ScanRun(z, c, s, w))
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
                    if (t == ChunkType.Used && s > 1)
                        EnsureFooter(z, c, s);
                }
                c += s;
            }
            FlushFree(z, pendStart, pendSize, pendBlocks);
        }
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

    /// <summary>Registers a run found on media; returns true when it is completely empty (and was not registered).</summary>
    private bool ScanRun(int z, uint c, uint s, ulong headerWord)
    {
        ChunkFlags flags = ChunkHeader.FlagsOf(headerWord);
        ulong chunkOff = ChunkOffset(z, c);
        ulong unit = _pool.Word(chunkOff);
        ulong alignment = (flags & ChunkFlags.Aligned) != 0 ? _pool.Word(chunkOff + 8) : 0;
        if (!RunGeometry.TryCompute(s, flags, unit, alignment, out RunGeometry g))
            throw new PoolCorruptedException($"heap: zone {z} chunk {c}: run header field 'block_size' {unit} does not fit the run", _pool.Path);
        ulong bitmap = chunkOff + 16;
        ulong used = 0;
        for (uint w = 0; w < g.NValues; w++)
        {
            ulong v = _pool.Word(bitmap + w * 8UL);
            uint validBits = Math.Min(64u, g.NBits - w * 64);
            if (validBits < 64)
                v &= (1UL << (int)validBits) - 1;
            used += (ulong)BitOperations.PopCount(v);
        }
        if (used == 0 && !HasReservedBits(chunkOff))
            return true;
        AllocationClass? cls = Classes.FindRunClass(unit, flags, s);
        if (cls is not null && cls.Alignment != alignment)
            cls = null;
        RunInfo r = NewRunInfo(z, c, s, unit, alignment, flags, g, cls);
        _runs[chunkOff] = r;
        RunActive += s * HeapLayout.ChunkSize;
        RunAllocated += used * unit;
        if (cls is not null && used < g.NBits)
        {
            r.Available = true;
            (_available[cls.Id] ??= []).Add(r);
        }
        return false;
    }
}
