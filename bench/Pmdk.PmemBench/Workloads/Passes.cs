// The two timed passes of every libpmem workload: throughput, then per-op timestamps (perf-notes §3.1).
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
/// Loop skeletons shared by both sides, so ours and C differ only in the op. Ops are structs: the JIT
/// specialises each loop and inlines the op, as a C loop would.
/// </summary>
internal static unsafe class Passes
{
    /// <summary>Pass 2 never records more than this many ops.</summary>
    public const long MaxLatencyOps = 1_000_000;

    /// <summary>
    /// Walk: op i writes slot <c>(i mod ⌊dstLength/size⌋)·size</c> from source slot <c>(i mod ⌊srcLength/size⌋)·size</c>.
    /// Pass 1 times <paramref name="ops"/> ops as a whole; pass 2 (when asked) restarts the sequence with per-op stamps.
    /// </summary>
    public static Measurement Walk<TOp>(ref TOp op, ulong size, ulong dstLength, ulong srcLength, long ops, bool latency)
        where TOp : struct, IWalkOp
    {
        ulong dstEnd = dstLength / size * size;
        ulong srcEnd = Math.Max(srcLength / size, 1) * size;
        long elapsed = WalkLoop(ref op, size, dstEnd, srcEnd, ops, null, out _);
        double opsPerSecond = ops * (double)Stopwatch.Frequency / elapsed;
        LatencySummary? summary = null;
        if (latency)
        {
            int n = (int)Math.Min(ops, MaxLatencyOps);
            long[] stamps = new long[n];
            stamps.AsSpan().Clear(); // touch the pages before timing
            fixed (long* s = stamps)
            {
                WalkLoop(ref op, size, dstEnd, srcEnd, n, s, out long start);
                summary = LatencySummary.FromStamps(start, stamps, n);
            }
        }
        return new Measurement(opsPerSecond, opsPerSecond * size, summary);
    }

    /// <summary>Line op on <c>lines[i]·64</c> for every i; pass 2 as in <see cref="Walk"/>.</summary>
    public static Measurement Lines<TOp>(ref TOp op, int[] lines, long ops, bool latency) where TOp : struct, ILineOp
    {
        fixed (int* l = lines)
        {
            long elapsed = LineLoop(ref op, l, ops, null, out _);
            double opsPerSecond = ops * (double)Stopwatch.Frequency / elapsed;
            LatencySummary? summary = null;
            if (latency)
            {
                int n = (int)Math.Min(ops, MaxLatencyOps);
                long[] stamps = new long[n];
                stamps.AsSpan().Clear();
                fixed (long* s = stamps)
                {
                    LineLoop(ref op, l, n, s, out long start);
                    summary = LatencySummary.FromStamps(start, stamps, n);
                }
            }
            return new Measurement(opsPerSecond, null, summary);
        }
    }

    private static long WalkLoop<TOp>(ref TOp op, ulong size, ulong dstEnd, ulong srcEnd, long count, long* stamps,
        out long start) where TOp : struct, IWalkOp
    {
        ulong dst = 0, src = 0;
        start = Stopwatch.GetTimestamp();
        for (long i = 0; i < count; i++)
        {
            op.Do(dst, src, i);
            if (stamps != null)
                stamps[i] = Stopwatch.GetTimestamp();
            dst += size;
            if (dst == dstEnd)
                dst = 0;
            src += size;
            if (src == srcEnd)
                src = 0;
        }
        return Stopwatch.GetTimestamp() - start;
    }

    private static long LineLoop<TOp>(ref TOp op, int* lines, long count, long* stamps, out long start)
        where TOp : struct, ILineOp
    {
        start = Stopwatch.GetTimestamp();
        for (long i = 0; i < count; i++)
        {
            op.Do((ulong)lines[i] << 6);
            if (stamps != null)
                stamps[i] = Stopwatch.GetTimestamp();
        }
        return Stopwatch.GetTimestamp() - start;
    }
}
