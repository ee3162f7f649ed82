// The timed loops of every libpmem workload: chunks of pass 1, and pass 2 with per-op timestamps (perf-notes §3.1).
using System.Diagnostics;

namespace Pmdk.PmemBench.Workloads;

/// <summary>One op of a slot walk: destination and source offsets of op <c>i</c>.</summary>
internal interface IWalkOp
{
    void Do(ulong destination, ulong source, long i);
}

/// <summary>One op on a precomputed cache line offset.</summary>
internal interface ILineOp
{
    void Do(ulong offset);
}

/// <summary>
/// A side run of a slot walk: op i writes slot <c>(i mod ⌊dstLength/size⌋)·size</c> from source slot
/// <c>(i mod ⌊64 MiB/size⌋)·size</c>. Ops are structs, so the JIT specialises the loop and inlines the op, as a C
/// loop would; ours and C share this loop and differ only in the op.
/// </summary>
internal sealed unsafe class WalkRun<TOp> : ISideRun where TOp : struct, IWalkOp
{
    private readonly ulong _size;
    private readonly ulong _dstSlots;
    private readonly ulong _srcSlots;
    private readonly Action _cleanup;
    private TOp _op;

    public WalkRun(TOp op, ulong size, ulong dstLength, Action cleanup)
    {
        _op = op;
        _size = size;
        _dstSlots = dstLength / size;
        _srcSlots = Math.Max(DramSource.Size / size, 1);
        _cleanup = cleanup;
    }

    public string? Note => null;

    public long RunChunk(int step, long first, long count) => Loop(first, count, null, out _);

    public LatencySummary? MeasureLatency(long count)
    {
        long[] stamps = new long[count];
        stamps.AsSpan().Clear(); // touch the pages before timing
        long start;
        fixed (long* s = stamps)
            Loop(0, count, s, out start);
        return LatencySummary.FromStamps(start, stamps, (int)count);
    }

    private long Loop(long first, long count, long* stamps, out long start)
    {
        ulong size = _size;
        ulong dstEnd = _dstSlots * size, srcEnd = _srcSlots * size;
        ulong dst = (ulong)first % _dstSlots * size;
        ulong src = (ulong)first % _srcSlots * size;
        long end = first + count;
        start = Stopwatch.GetTimestamp();
        for (long i = first; i < end; i++)
        {
            _op.Do(dst, src, i);
            if (stamps != null)
                stamps[i - first] = Stopwatch.GetTimestamp();
            dst += size;
            if (dst == dstEnd)
                dst = 0;
            src += size;
            if (src == srcEnd)
                src = 0;
        }
        return Stopwatch.GetTimestamp() - start;
    }

    public void Dispose() => _cleanup();
}

/// <summary>A side run of a line workload: op i on line <c>lines[i]</c> (offset <c>lines[i]·64</c>).</summary>
internal sealed unsafe class LineRun<TOp> : ISideRun where TOp : struct, ILineOp
{
    private readonly int[] _lines;
    private readonly Action _cleanup;
    private TOp _op;

    public LineRun(TOp op, int[] lines, Action cleanup)
    {
        _op = op;
        _lines = lines;
        _cleanup = cleanup;
    }

    public string? Note => null;

    public long RunChunk(int step, long first, long count) => Loop(first, count, null, out _);

    public LatencySummary? MeasureLatency(long count)
    {
        long[] stamps = new long[count];
        stamps.AsSpan().Clear();
        long start;
        fixed (long* s = stamps)
            Loop(0, count, s, out start);
        return LatencySummary.FromStamps(start, stamps, (int)count);
    }

    private long Loop(long first, long count, long* stamps, out long start)
    {
        fixed (int* lines = _lines)
        {
            long end = first + count;
            start = Stopwatch.GetTimestamp();
            for (long i = first; i < end; i++)
            {
                _op.Do((ulong)lines[i] << 6);
                if (stamps != null)
                    stamps[i - first] = Stopwatch.GetTimestamp();
            }
            return Stopwatch.GetTimestamp() - start;
        }
    }

    public void Dispose() => _cleanup();
}
