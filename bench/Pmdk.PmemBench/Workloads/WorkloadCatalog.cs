// The workload list and its op counts (perf-notes §3.1, §3.3, §3.4, §3.5 OPS columns).
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
        // pmemlog (§3.4): append OPS per round × rounds; walk: entries, walks.
        new LogAppendWorkload(64, vectors: 1, 5_000_000, rounds: 1),
        new LogAppendWorkload(4096, vectors: 1, 1_000_000, rounds: 3),
        new LogAppendWorkload(512, vectors: 4, 1_000_000, rounds: 3),
        new LogWalkWorkload(4096, 262_144, 20),
        new LogWalkWorkload(64, 4_194_304, 30),
        // pmemblk (§3.5): OPS per thread; t1 and t2 on one pool.
        new BlkWorkload(512, 2_000_000),
        new BlkWorkload(4096, 1_000_000),
        // libpmemobj (§3.3): pool iterations; alloc OPS per thread and round × rounds (t1 then t2); root ops; iterate walks.
        new ObjPoolWorkload(10),
        new ObjAllocFreeWorkload(64, 1_000_000, rounds: 3),
        new ObjAllocFreeWorkload(4096, 250_000, rounds: 8),
        new ObjRootWorkload(10_000_000),
        new ObjIterateWorkload(100),
        // libpmemobj transactions (§3.3): OPS per thread and round × rounds (t1 then t2 on one pool).
        new ObjTxWorkload(TxKind.Alloc, 64, 1_000_000, rounds: 2),
        new ObjTxWorkload(TxKind.Alloc, 256, 1_000_000, rounds: 2),
        new ObjTxWorkload(TxKind.Alloc, 4096, 250_000, rounds: 6),
        new ObjTxWorkload(TxKind.Add, 8, 2_000_000, rounds: 1),
        new ObjTxWorkload(TxKind.Add, 64, 2_000_000, rounds: 1),
        new ObjTxWorkload(TxKind.Add, 4096, 1_000_000, rounds: 1),
        new ObjTxWorkload(TxKind.Empty, 0, 10_000_000, rounds: 1),
        new ObjTxWorkload(TxKind.Free, 64, 2_000_000, rounds: 2),
        new ObjTxWorkload(TxKind.Free, 4096, 250_000, rounds: 6),
        // Not in the perf notes: atomic list insert+remove pairs, persistent mutex lock+unlock pairs.
        new ObjListWorkload(1_000_000),
        new ObjMutexWorkload(50_000_000),
        // Not in the perf notes: PMDK's hashmap_tx example vs our port, insert then get of OPS keys.
        new ObjHashMapWorkload(1_000_000),
    ];
}
