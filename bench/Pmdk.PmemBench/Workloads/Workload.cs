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

/// <summary>What one run of one side measured.</summary>
/// <param name="OpsPerSecond">Pass-1 throughput.</param>
/// <param name="BytesPerSecond">Pass-1 data rate, for copy workloads.</param>
/// <param name="Latency">Pass-2 latency percentiles, when asked for.</param>
/// <param name="Note">Extra figures printed as a comment line.</param>
internal sealed record Measurement(double OpsPerSecond, double? BytesPerSecond = null, LatencySummary? Latency = null,
    string? Note = null);

/// <summary>A workload of the harness.</summary>
internal abstract class Workload
{
    /// <summary>The name printed and matched by filters, e.g. <c>memcpy_persist_4k</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Runs one side once on a fresh file and removes the file.</summary>
    public abstract Measurement Run(Side side, RunContext context);

    /// <summary>Human size label: 64, 256, 4k, 64k, 2m.</summary>
    protected static string SizeLabel(ulong size) => size switch
    {
        >= 1 << 20 when size % (1 << 20) == 0 => $"{size >> 20}m",
        >= 1 << 10 when size % (1 << 10) == 0 => $"{size >> 10}k",
        _ => size.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
