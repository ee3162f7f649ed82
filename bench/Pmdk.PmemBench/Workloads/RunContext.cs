// Shared state of a harness run: scale, files, the DRAM source buffer.
namespace Pmdk.PmemBench.Workloads;

/// <summary>What every workload run needs besides its own parameters.</summary>
internal sealed class RunContext
{
    /// <summary>The <c>PMEM*_CONF</c> value of the shm pool workloads (perf-notes §3.0 "Prefault").</summary>
    public const string PrefaultConfig = "prefault.at_create=1;prefault.at_open=1";

    public RunContext(BenchFiles files, DramSource source, double opsScale, bool latency, bool small)
    {
        Files = files;
        Source = source;
        OpsScale = opsScale;
        Latency = latency;
        Small = small;
    }

    /// <summary>Where fresh files are created.</summary>
    public BenchFiles Files { get; }

    /// <summary>The 64 MiB page-aligned source of copies.</summary>
    public DramSource Source { get; }

    /// <summary>Multiplier of the perf-notes op counts.</summary>
    public double OpsScale { get; }

    /// <summary>Whether pass 2 (per-op timestamps) runs.</summary>
    public bool Latency { get; }

    /// <summary>JIT warm-up mode: small files, few ops, results discarded.</summary>
    public bool Small { get; }

    /// <summary>The op count of this run for a perf-notes count, never below <paramref name="minimum"/>.</summary>
    public long Ops(long baseOps, long minimum = 1) =>
        Math.Max(minimum, (long)Math.Round(baseOps * (Small ? Math.Min(OpsScale, 0.02) : OpsScale)));

    /// <summary>A copy of this context for the JIT warm-up.</summary>
    public RunContext AsWarmUp() => new(Files, Source, OpsScale, Latency, small: true);
}
