// Runs: creation, free-bit search and the per-class lists of runs with space (PMDK: libpmemobj/heap.c, memblock.c run_*).
using System.Numerics;
using Pmdk.Obj.Alloc;

namespace Pmdk.Obj.Heap;

/// <summary>DRAM description of a run found on media or created by us.</summary>
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
    public uint HintWord { get; set; }
    public bool Available { get; set; }
}

internal sealed partial class Heap
{
    private readonly List<RunInfo>[] _available;
    private readonly Dictionary<ulong, RunInfo> _runs = [];

    /// <summary>
    /// Finds <paramref name="units"/> consecutive free bits inside one bitmap word of a run of class
    /// <paramref name="c"/>, creating a run when none has space. The bits are not set: the caller's redo log does it.
    /// </summary>
    public bool TryReserveRunBlock(AllocationClass c, uint units, out RunInfo run, out uint bit)
    {
        EnsureBooted();
        List<RunInfo> list = _available[c.Id] ??= [];
        while (true)
        {
            while (list.Count > 0)
            {
                RunInfo r = list[^1];
                if (TryFindBits(r, units, out bit))
                {
                    run = r;
                    return true;
                }
                r.Available = false;
                list.RemoveAt(list.Count - 1);
            }
            if (!TryCreateRun(c, out RunInfo? created))
            {
                run = null!;
                bit = 0;
                return false;
            }
            created.Available = true;
            list.Add(created);
        }
    }

    /// <summary>Marks a run as having space again after a free.</summary>
    public void RunGainedSpace(ulong runChunkOffset)
    {
        if (_booted && _runs.TryGetValue(runChunkOffset, out RunInfo? r) && !r.Available && r.Class is not null)
        {
            r.Available = true;
            (_available[r.Class.Id] ??= []).Add(r);
        }
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
            ulong v = _pool.Word(r.BitmapOffset + w * 8UL) | ReservedMask(r.BitmapOffset - ChunkRunHeader.Size, w);
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
    /// then the RUN chunk header in one store (the commit point).
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
        _runs[chunkOff] = run;
        RunActive += c.RunSizeIdx * HeapLayout.ChunkSize;
        return true;
    }

    private RunInfo NewRunInfo(int zone, uint chunk, uint sizeIdx, ulong unit, ulong alignment, ChunkFlags flags,
        RunGeometry g, AllocationClass? c)
    {
        ulong chunkOff = ChunkOffset(zone, chunk);
        HeaderType h = AllocationHeader.FromChunkFlags(flags);
        return new RunInfo
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
