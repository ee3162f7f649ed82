// One named workload that runs the same op sequence against our library or the C one (PMDK: src/benchmarks/pmembench.cpp).
namespace Pmdk.PmemBench.Workloads;

/// <summary>Which library a run measures.</summary>
internal enum Side
{
    /// <summary>Pmdk.Pmem (this repository).</summary>
    Ours,
    /// <summary>Debian's libpmem through P/Invoke.</summary>
    C,
}

/// <summary>
/// One side of one rep, prepared on a fresh file (created, mapped, warmed up). The op sequence is run in chunks so
/// that the runner can interleave the two sides; <see cref="IDisposable.Dispose"/> unmaps and removes the file.
/// </summary>
internal interface ISideRun : IDisposable
{
    /// <summary>
    /// Runs ops [first, first+count) of step <paramref name="step"/> (pass 1) and returns the elapsed Stopwatch ticks
    /// (with several threads: the latest end minus the earliest start).
    /// </summary>
    long RunChunk(int step, long first, long count);

    /// <summary>Pass 2: ops [0, count) again with a timestamp after each op; null if the workload has none.</summary>
    LatencySummary? MeasureLatency(long count);

    /// <summary>Extra figures for a comment line, or null.</summary>
    string? Note { get; }
}

/// <summary>
/// One sequential part of a rep: op indices [0, <see cref="Ops"/>) run in <see cref="Chunks"/> chunks alternating
/// between the sides; their time counts toward figure <see cref="Figure"/>, and <see cref="CountedOps"/> toward its
/// op count: <c>Ops × threads</c> when every thread of the step runs every index, 0 for a step whose time belongs to
/// the figure but whose ops do not (the frees of alloc+free pairs).
/// </summary>
internal readonly record struct Step(int Id, int Figure, long Ops, long CountedOps, int Chunks);

/// <summary>A workload of the harness.</summary>
internal abstract class Workload
{
    /// <summary>The name printed and matched by filters, e.g. <c>memcpy_persist_4k</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The result lines of this workload (one figure each); by default just <see cref="Name"/>.</summary>
    public virtual IReadOnlyList<string> FigureNames => [Name];

    /// <summary>The steps of one rep; by default one step of <see cref="Ops"/> ops in <see cref="Chunks"/> chunks.</summary>
    public virtual IReadOnlyList<Step> Steps(RunContext context)
    {
        long ops = Ops(context);
        return [new Step(0, 0, ops, ops, Chunks(ops))];
    }

    /// <summary>Bytes written per op, for a GB/s comment; 0 when it means nothing.</summary>
    public virtual ulong BytesPerOp => 0;

    /// <summary>The op count of one rep (perf-notes count times the scale).</summary>
    public abstract long Ops(RunContext context);

    /// <summary>How many chunks one rep's ops are split into for interleaving.</summary>
    public virtual int Chunks(long ops) => (int)Math.Min(ops, 32);

    /// <summary>Creates a fresh file for <paramref name="side"/>, maps and warms it.</summary>
    public abstract ISideRun Prepare(Side side, RunContext context);

    /// <summary>Opens a side run on the fresh file <paramref name="path"/>; the file is removed if that fails.</summary>
    protected static ISideRun OnFreshFile(string path, Func<string, ISideRun> open)
    {
        try
        {
            return open(path);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Human size label: 64, 256, 4k, 64k, 2m.</summary>
    protected static string SizeLabel(ulong size) => size switch
    {
        >= 1 << 20 when size % (1 << 20) == 0 => $"{size >> 20}m",
        >= 1 << 10 when size % (1 << 10) == 0 => $"{size >> 10}k",
        _ => size.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
