// The workload list and its op counts (perf-notes §3.1 OPS column).
namespace Pmdk.PmemBench.Workloads;

/// <summary>Every workload of the harness, in print order, with the perf-notes op counts.</summary>
internal static class WorkloadCatalog
{
    public static IReadOnlyList<Workload> All { get; } =
    [
        new CopyWorkload(fill: false, 64, 10_000_000),
        new CopyWorkload(fill: false, 256, 6_000_000),
        new CopyWorkload(fill: false, 4096, 3_000_000),
        new CopyWorkload(fill: false, 64 << 10, 250_000),
        new CopyWorkload(fill: false, 2 << 20, 8_000),
        new CopyWorkload(fill: true, 64, 10_000_000),
        new CopyWorkload(fill: true, 256, 6_000_000),
        new CopyWorkload(fill: true, 4096, 3_000_000),
        new CopyWorkload(fill: true, 64 << 10, 250_000),
        new CopyWorkload(fill: true, 2 << 20, 8_000),
        new PersistWorkload(random: true, 10_000_000),
        new PersistWorkload(random: false, 10_000_000),
        new MapWorkload(10),
        new MsyncCopyWorkload(4096, 3_000),
    ];
}
