// Simulated power failure at every fence of transactions whose undo and redo logs extend into user buffers: after recovery whole transactions only, the buffers are the user's again, nothing leaks.
using Pmdk.Obj;
using Pmdk.Obj.Tx;
using Pmdk.Pmem.Simulation;
using Pmdk.Testing;
using Pmdk.Testing.Crash;
using Xunit.Abstractions;

namespace Pmdk.Crash.Tests;

public sealed class TxUserBufferCrashTests(ITestOutputHelper output) : IDisposable
{
    private const string Layout = "txubuf";
    private const int Region = 6000; // beyond the lane's 2 KiB undo log: the snapshot goes on in the user buffer
    private const ulong RootSize = 64 + Region;
    private const int Allocs = 50; // beyond the 40-entry external redo log: the intents go on in the user buffer
    private const ulong UndoBufType = 60, RedoBufType = 61, ItemType = 70;
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void Setup(string path)
    {
        using ObjPool pool = ObjPool.Create(path, Layout, 16 << 20, new ObjPoolOptions { IsPmemForce = true });
        pool.Root(RootSize);
        pool.Transaction(tx =>
        {
            tx.ZAllocate(TxLogSizes.SnapshotsMaxSize([RootSize]), UndoBufType);
            tx.ZAllocate(TxLogSizes.IntentsMaxSize(Allocs * 4), RedoBufType);
        });
    }

    /// <summary>Transaction k: counter and region := k, the items of k-1 freed, <see cref="Allocs"/> items of k allocated.</summary>
    private static void Step(ObjPool pool, ObjTransaction tx, int k)
    {
        PmemOid root = pool.RootOrNull;
        tx.AppendLogBuffer(TxLogType.Snapshot, pool.First(UndoBufType));
        tx.AppendLogBuffer(TxLogType.Intent, pool.First(RedoBufType));
        tx.SetLogAutoAllocate(TxLogType.Snapshot, false);
        tx.SetLogAutoAllocate(TxLogType.Intent, false);
        tx.AddRange(root, 0, RootSize);
        foreach (PmemOid o in pool.Objects(ItemType).ToList())
            tx.Free(o);
        for (int i = 0; i < Allocs; i++)
            pool.Ref<long>(tx.Allocate(32, ItemType)) = k;
        pool.GetSpan(root)[64..(64 + Region)].Fill((byte)k);
        pool.Ref<long>(root) = k;
    }

    private static void Workload(ObjPool pool, PowerFailSimulator sim)
    {
        using (sim.Operation("tx#1"))
            pool.Transaction(tx => Step(pool, tx, 1));
        using (sim.Operation("tx#2 aborted"))
        {
            using ObjTransaction tx = pool.BeginTransaction();
            Step(pool, tx, 2);
            tx.Abort();
        }
        using (sim.Operation("tx#3"))
            pool.Transaction(tx => Step(pool, tx, 3));
    }

    private static readonly int[] CounterAfter = [0, 1, 1, 3];

    private static void Check(CrashImage image, string imagePath)
    {
        int done = image.CompletedOperations.Count;
        int hi = Math.Min(done + (image.InProgressOperation is null ? 0 : 1), CounterAfter.Length - 1);
        using (ObjPool pool = ObjPool.Open(imagePath, Layout))
        {
            PmemOid root = pool.RootOrNull;
            int counter = (int)pool.Ref<long>(root);
            if (counter != CounterAfter[done] && counter != CounterAfter[hi])
                throw new InvalidDataException($"counter {counter}: neither {CounterAfter[done]} nor {CounterAfter[hi]}");
            int bad = pool.GetSpan(root)[64..(64 + Region)].IndexOfAnyExcept((byte)counter);
            if (bad >= 0)
                throw new InvalidDataException($"region byte {bad} differs from counter {counter}: a partial transaction");
            List<PmemOid> items = [.. pool.Objects(ItemType)];
            if (items.Count != (counter == 0 ? 0 : Allocs) || items.Any(o => pool.Ref<long>(o) != counter))
                throw new InvalidDataException($"counter {counter}: {items.Count} items, expected {(counter == 0 ? 0 : Allocs)} of tx {counter}");
            if (pool.Objects(UndoBufType).Count() != 1 || pool.Objects(RedoBufType).Count() != 1)
                throw new InvalidDataException("a user buffer was freed");
            // The buffers are unlinked: no lane's chain reaches into them, and nothing internal leaks.
            HashSet<ulong> linked = pool.TestHookLaneExtensions();
            foreach (PmemOid b in pool.Objects(UndoBufType).Concat(pool.Objects(RedoBufType)))
            {
                if (linked.Any(e => e >= b.Offset && e < b.Offset + pool.UsableSize(b)))
                    throw new InvalidDataException($"user buffer {b} still linked into a lane after recovery");
            }
            foreach ((ulong off, bool isInternal) in pool.TestHookAllocatedBlocks())
            {
                if (isInternal && off != root.Offset && !linked.Contains(off))
                    throw new InvalidDataException($"leaked internal block at 0x{off:x}");
            }
            pool.Transaction(tx => Step(pool, tx, 9)); // the recovered pool and buffers take new transactions
        }
        if (!ObjPool.Check(imagePath, Layout, out string? problem))
            throw new InvalidDataException("check after recovery: " + problem);
    }

    [Fact]
    public void Every_crash_image_of_user_buffer_transactions_holds_whole_transactions_and_keeps_the_buffers()
    {
        string path = _dir.File("ubuf.pool");
        Setup(path);
        CrashReport report = CrashHarness.Run(path, sim =>
        {
            using ObjPool pool = ObjPool.Open(path, Layout, new ObjPoolOptions { IsPmemForce = true, PersistenceProvider = sim });
            Workload(pool, sim);
        }, Check, new CrashOptions
        {
            Engines = [ReorderEngine.Accumulative],
        });
        output.WriteLine(report.ToString());
        Assert.Equal(0, report.FailureCount);
        Assert.True(report.ImagesChecked >= 100, report.ToString());
    }
}
