// Simulated power failure at every fence of transactional workloads: after recovery every committed transaction is present, no partial one, the heap is consistent and nothing leaks.
using Pmdk.Obj;
using Pmdk.Obj.Tx;
using Pmdk.Pmem.Simulation;
using Pmdk.Testing;
using Pmdk.Testing.Crash;
using Xunit.Abstractions;

namespace Pmdk.Crash.Tests;

public sealed class TxCrashTests(ITestOutputHelper output) : IDisposable
{
    private const string Layout = "txcrash";
    private const int Region = 3000; // more than the lane's 2 KiB undo log: every snapshot spills into an extension
    private const ulong RootSize = 64 + Region;
    private const int SmallCount = 40; // with the other entries, more than the 40-entry external redo log
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The state after each operation: counter (region bytes equal it) and the object types present.</summary>
    private static readonly (int Counter, ulong[] Types)[] States =
    [
        (0, []),
        (1, [101]),
        (2, [102]),
        (2, [102]), // op 3 aborts
        (4, [104, .. Enumerable.Repeat(200UL, SmallCount)]),
        (5, [105]),
    ];

    private static void SetMain(ObjPool pool, ObjTransaction tx, PmemOid root, int k, ulong size)
    {
        tx.Free(pool.Ref<PmemOid>(root, 16));
        PmemOid o = tx.ZAllocate(size, 100 + (ulong)k);
        pool.Ref<long>(o) = k;
        pool.Ref<PmemOid>(root, 16) = o;
        pool.GetSpan(root).Slice(64, Region).Fill((byte)k);
        pool.Ref<long>(root) = k;
    }

    private static void Workload(ObjPool pool, PowerFailSimulator sim)
    {
        PmemOid root = pool.Root(RootSize);
        using (sim.Operation("tx#1 snapshot+alloc"))
        {
            pool.Transaction(tx =>
            {
                tx.AddRange(root, 0, RootSize);
                SetMain(pool, tx, root, 1, 200);
            });
        }
        using (sim.Operation("tx#2 nested+huge"))
        {
            using ObjTransaction outer = pool.BeginTransaction();
            outer.AddRange(root, 0, 16);
            using (ObjTransaction inner = pool.BeginTransaction())
            {
                inner.AddRange(root, 0, RootSize);
                SetMain(pool, inner, root, 2, 3 << 20); // a multi-chunk (huge) block
                inner.Commit();
            }
            outer.Commit();
        }
        using (sim.Operation("tx#3 aborted"))
        {
            using ObjTransaction tx = pool.BeginTransaction();
            tx.AddRange(root, 0, RootSize);
            SetMain(pool, tx, root, 3, 500);
            tx.Abort();
        }
        using (sim.Operation("tx#4 many allocs"))
        {
            pool.Transaction(tx =>
            {
                tx.AddRange(root, 0, RootSize);
                for (int i = 0; i < SmallCount; i++)
                    pool.Ref<int>(tx.Allocate(24 + (ulong)i, 200)) = i;
                SetMain(pool, tx, root, 4, 1000);
            });
        }
        using (sim.Operation("tx#5 many frees"))
        {
            pool.Transaction(tx =>
            {
                foreach (PmemOid o in pool.Objects(200).ToList())
                    tx.Free(o);
                tx.AddRange(root, 0, RootSize);
                SetMain(pool, tx, root, 5, 64);
            });
        }
    }

    private static void Check(CrashImage image, string imagePath)
    {
        int done = image.CompletedOperations.Count;
        int hi = Math.Min(done + (image.InProgressOperation is null ? 0 : 1), States.Length - 1);
        using (ObjPool pool = ObjPool.Open(imagePath, Layout))
        {
            if (pool.RootSize == 0)
            {
                if (done != 0)
                    throw new InvalidDataException("root object missing");
            }
            else
            {
                PmemOid root = pool.Root(RootSize);
                int counter = (int)pool.Ref<long>(root);
                int state = counter == States[done].Counter ? done : counter == States[hi].Counter ? hi : -1;
                if (state < 0)
                    throw new InvalidDataException($"counter {counter}: neither state {done} ({States[done].Counter}) nor {hi} ({States[hi].Counter})");
                int bad = pool.GetSpan(root).Slice(64, Region).IndexOfAnyExcept((byte)counter);
                if (bad >= 0)
                    throw new InvalidDataException($"region byte {bad} = {pool.GetSpan(root)[64 + bad]}, counter {counter}: a partial transaction");
                ulong[] types = [.. pool.Objects().Select(pool.TypeNumber).Order()];
                if (!types.SequenceEqual(States[state].Types.Order()))
                    throw new InvalidDataException($"state {state}: objects [{string.Join(",", types)}], expected [{string.Join(",", States[state].Types)}]");
                PmemOid main = pool.Ref<PmemOid>(root, 16);
                if (counter != 0 && (main.IsNull || pool.TypeNumber(main) != 100 + (ulong)counter || pool.Ref<long>(main) != counter))
                    throw new InvalidDataException($"state {state}: the root's OID {main} is not the object of transaction {counter}");
            }
            // Nothing leaks: every internal block is the root or an extension linked from a lane.
            HashSet<ulong> linked = pool.TestHookLaneExtensions();
            foreach ((ulong off, bool isInternal) in pool.TestHookAllocatedBlocks())
            {
                if (isInternal && off != pool.RootOrNull.Offset && !linked.Contains(off))
                    throw new InvalidDataException($"leaked internal block at 0x{off:x}");
            }
            // The recovered pool takes new transactions.
            pool.Transaction(tx => tx.Free(tx.Allocate(100, 9)));
        }
        if (!ObjPool.Check(imagePath, Layout, out string? problem))
            throw new InvalidDataException("check after recovery: " + problem);
    }

    [Fact]
    public void Every_crash_image_of_transactions_holds_whole_transactions_only()
    {
        string path = _dir.File("tx.pool");
        ObjPool.Create(path, Layout, 16 << 20, new ObjPoolOptions { IsPmemForce = true }).Dispose();
        CrashReport report = CrashHarness.Run(path, sim =>
        {
            using ObjPool pool = ObjPool.Open(path, Layout, new ObjPoolOptions { IsPmemForce = true, PersistenceProvider = sim });
            Workload(pool, sim);
        }, Check, new CrashOptions
        {
            Engines = [ReorderEngine.Accumulative, ReorderEngine.PartialRandom(2, seed: 11)],
        });
        output.WriteLine(report.ToString());
        Assert.Equal(0, report.FailureCount);
        Assert.True(report.ImagesChecked >= 500, report.ToString());
    }
}
