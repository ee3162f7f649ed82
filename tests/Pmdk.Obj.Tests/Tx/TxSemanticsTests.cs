// Transaction semantics: commit, abort, exceptions, nesting, stages, flags, merged ranges (PMDK: src/test/obj_tx_*).
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Tx;
using Pmdk.Testing;

namespace Pmdk.Obj.Tests.Tx;

public sealed class TxSemanticsTests : IDisposable
{
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ObjPool NewPool(string name = "tx.pool", ulong size = 16 << 20) => ObjPool.Create(_dir.File(name), "tx", size);

    private static void Fill(Span<byte> s, byte v) => s.Fill(v);

    [Fact]
    public void Commit_is_durable_across_reopen_and_bumps_the_undo_generation_once()
    {
        string path = _dir.File("c.pool");
        ulong genBefore, genAfter;
        using (ObjPool pool = ObjPool.Create(path, "tx", 16 << 20))
        {
            PmemOid root = pool.Root(128);
            genBefore = UndoGenerations(pool);
            using (ObjTransaction tx = pool.BeginTransaction())
            {
                tx.AddRange(root, 0, 64);
                Fill(pool.GetSpan(root)[..64], 0xAB);
                tx.Commit();
                Assert.Equal(TxStage.OnCommit, tx.Stage);
            }
            Assert.Equal(TxStage.None, ObjTransaction.CurrentStage);
            genAfter = UndoGenerations(pool);
        }
        Assert.Equal(genBefore + 1, genAfter);
        using ObjPool reopened = ObjPool.Open(path, "tx");
        Assert.True(reopened.GetSpan(reopened.Root(128))[..64].IndexOfAnyExcept((byte)0xAB) < 0);
        Assert.Equal(genAfter, UndoGenerations(reopened));
    }

    [Fact]
    public void Abort_restores_snapshotted_range_and_dispose_without_commit_aborts()
    {
        using ObjPool pool = NewPool();
        PmemOid root = pool.Root(256);
        Fill(pool.GetSpan(root)[..256], 1);
        pool.Persist(root, 0, 256);
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            tx.AddRange(root, 10, 100);
            Fill(pool.GetSpan(root).Slice(10, 100), 9);
            tx.Snapshot(ref pool.Ref<long>(root, 200));
            pool.Ref<long>(root, 200) = -1;
        }
        Assert.True(pool.GetSpan(root)[..256].IndexOfAnyExcept((byte)1) < 0);

        using (ObjTransaction tx = pool.BeginTransaction())
        {
            tx.AddRange(root, 0, 8);
            pool.Ref<long>(root) = 5;
            tx.Abort();
            Assert.Equal(TxStage.OnAbort, tx.Stage);
            Assert.Throws<TransactionAbortedException>(() => tx.AddRange(root, 0, 8));
            Assert.Throws<TransactionAbortedException>(tx.Commit);
        }
        Assert.Equal(0x0101010101010101L, pool.Ref<long>(root));
    }

    [Fact]
    public void Exception_escaping_the_body_aborts_and_propagates()
    {
        using ObjPool pool = NewPool();
        PmemOid root = pool.Root(64);
        long baseline = pool.Statistics.CurrentAllocated;
        PmemOid allocated = default;
        var ex = Assert.Throws<InvalidDataException>(() => pool.Transaction(tx =>
        {
            tx.AddRange(root, 0, 16);
            pool.Ref<long>(root) = 77;
            allocated = tx.ZAllocate(100, 3);
            throw new InvalidDataException("boom");
        }));
        Assert.Equal("boom", ex.Message);
        Assert.Equal(0, pool.Ref<long>(root));
        Assert.Empty(pool.Objects());
        Assert.Equal(baseline, pool.Statistics.CurrentAllocated);
        Assert.False(allocated.IsNull);
    }

    [Fact]
    public void Nested_transactions_are_flattened_and_inner_abort_aborts_the_outer()
    {
        using ObjPool pool = NewPool();
        PmemOid root = pool.Root(64);
        using (ObjTransaction outer = pool.BeginTransaction())
        {
            outer.AddRange(root, 0, 8);
            pool.Ref<long>(root) = 1;
            using (ObjTransaction inner = pool.BeginTransaction())
            {
                Assert.Equal(2, inner.Depth);
                inner.AddRange(root, 8, 8);
                pool.Ref<long>(root, 8) = 2;
                Assert.Throws<InvalidOperationException>(outer.Commit);
                inner.Commit();
            }
            Assert.Equal(TxStage.Work, outer.Stage);
            outer.Commit();
        }
        Assert.Equal(1, pool.Ref<long>(root));
        Assert.Equal(2, pool.Ref<long>(root, 8));

        using (ObjTransaction outer = pool.BeginTransaction())
        {
            outer.AddRange(root, 0, 16);
            pool.Ref<long>(root) = 10;
            using (ObjTransaction inner = pool.BeginTransaction())
            {
                pool.Ref<long>(root, 8) = 20;
            }
            Assert.Equal(TxStage.OnAbort, outer.Stage);
            Assert.Throws<TransactionAbortedException>(outer.Commit);
        }
        Assert.Equal(1, pool.Ref<long>(root));
        Assert.Equal(2, pool.Ref<long>(root, 8));
        Assert.Equal(TxStage.None, ObjTransaction.CurrentStage);
    }

    [Fact]
    public void Stage_callbacks_run_in_order()
    {
        using ObjPool pool = NewPool();
        var log = new List<string>();
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            tx.OnCommit(() => log.Add("commit:" + ObjTransaction.CurrentStage));
            tx.OnAbort(() => log.Add("abort"));
            tx.OnFinally(() => log.Add("finally:" + ObjTransaction.CurrentStage));
            using (ObjTransaction inner = pool.BeginTransaction())
            {
                inner.OnCommit(() => log.Add("inner-commit"));
                inner.Commit();
            }
            log.Add("work:" + ObjTransaction.CurrentStage);
            tx.Commit();
        }
        Assert.Equal(["work:Work", "commit:OnCommit", "inner-commit", "finally:Finally"], log);

        log.Clear();
        Assert.Throws<ArithmeticException>(() => pool.Transaction(tx =>
        {
            tx.OnCommit(() => log.Add("commit"));
            tx.OnAbort(() => log.Add("abort:" + ObjTransaction.CurrentStage));
            tx.OnFinally(() => log.Add("finally"));
            throw new ArithmeticException();
        }));
        Assert.Equal(["abort:OnAbort", "finally"], log);
    }

    [Fact]
    public void Overlapping_and_adjacent_ranges_are_snapshotted_once_and_restored()
    {
        using ObjPool pool = NewPool();
        PmemOid root = pool.Root(4096);
        Span<byte> data = pool.GetSpan(root)[..4096];
        for (int i = 0; i < 4096; i++)
            data[i] = (byte)(i * 7);
        pool.Persist(root, 0, 4096);
        byte[] before = data.ToArray();
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            (ulong Off, ulong Size)[] adds = [(100, 64), (132, 64), (116, 40), (196, 100), (50, 400), (1000, 10), (990, 30), (0, 4096), (5, 5)];
            foreach ((ulong off, ulong size) in adds)
            {
                tx.AddRange(root, off, size);
                pool.GetSpan(root).Slice((int)off, (int)size).Fill(0xEE);
            }
            Assert.Equal(4096UL, TxContext.Current.Undo.SnapshotBytes);
            Assert.Equal(1, TxContext.Current.Ranges.Count);
        }
        Assert.Equal(before, pool.GetSpan(root)[..4096].ToArray());
    }

    [Fact]
    public void Flags_no_snapshot_no_abort_and_invalid_ranges()
    {
        using ObjPool pool = NewPool();
        PmemOid root = pool.Root(128);
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            tx.AddRange(root, 0, 8, TxAddFlags.NoSnapshot);
            pool.Ref<long>(root) = 3;
            tx.AddRange(root, 8, 8, TxAddFlags.NoFlush | TxAddFlags.AssumeInitialized);
            pool.Ref<long>(root, 8) = 4;
            Assert.Throws<ArgumentOutOfRangeException>(() => tx.AddRangeDirect(1, 8, TxAddFlags.NoAbort));
            Assert.Equal(TxStage.Work, tx.Stage);
            Assert.Equal(8UL, TxContext.Current.Undo.SnapshotBytes);
        }
        Assert.Equal(3, pool.Ref<long>(root));
        Assert.Equal(0, pool.Ref<long>(root, 8));

        using (ObjTransaction tx = pool.BeginTransaction())
        {
            var e = Assert.Throws<TransactionAbortedException>(() => tx.AddRangeDirect(pool.HeapOffset + pool.HeapSize - 4, 8));
            Assert.IsType<ArgumentOutOfRangeException>(e.InnerException);
            Assert.Equal(TxStage.OnAbort, tx.Stage);
            Assert.Same(e.InnerException, tx.AbortCause);
        }
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            Assert.Throws<TransactionAbortedException>(() => tx.AddRange(new PmemOid(pool.UuidLo ^ 1, root.Offset), 0, 8));
        }
    }

    [Fact]
    public void Large_snapshot_spills_into_extensions_restored_at_abort_and_freed()
    {
        using ObjPool pool = NewPool(size: 32 << 20);
        const int n = 200_000;
        PmemOid obj = pool.ZAllocate(n, 1);
        Span<byte> s = pool.GetSpan(obj)[..n];
        for (int i = 0; i < n; i++)
            s[i] = (byte)(i % 251);
        pool.Persist(obj, 0, n);
        byte[] before = s.ToArray();
        long allocated = pool.Statistics.CurrentAllocated;
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            tx.AddRange(obj, 0, n);
            pool.GetSpan(obj)[..n].Fill(0x55);
            Assert.True(pool.Statistics.CurrentAllocated > allocated, "the snapshot allocated undo extensions");
        }
        Assert.Equal(before, pool.GetSpan(obj)[..n].ToArray());
        long keptFirst = pool.Statistics.CurrentAllocated - allocated;
        Assert.True(keptFirst is > 0 and < 64 * 1024, $"only the first extension is kept ({keptFirst} bytes)");

        using (ObjTransaction tx = pool.BeginTransaction())
        {
            tx.AddRange(obj, 0, n);
            pool.GetSpan(obj)[..n].Fill(0x66);
            tx.Commit();
        }
        Assert.Equal(keptFirst, pool.Statistics.CurrentAllocated - allocated);
        string path = pool.Path;
        pool.Dispose();
        Assert.True(ObjPool.Check(path, "tx", out string? problem), problem);
        using ObjPool reopened = ObjPool.Open(path, "tx");
        Assert.True(reopened.GetSpan(obj)[..n].IndexOfAnyExcept((byte)0x66) < 0);
    }

    [Fact]
    public void Empty_transactions_and_other_threads()
    {
        using ObjPool pool = NewPool();
        for (int i = 0; i < 5000; i++)
        {
            using ObjTransaction tx = pool.BeginTransaction();
            tx.Commit();
        }
        for (int i = 0; i < 5000; i++)
        {
            using ObjTransaction tx = pool.BeginTransaction();
        }
        ObjTransaction open = pool.BeginTransaction();
        Exception? seen = null;
        var t = new Thread(() => seen = Record(() => open.Commit()));
        t.Start();
        t.Join();
        Assert.IsType<InvalidOperationException>(seen);
        open.Commit();
        open.Dispose();
        Assert.Throws<ObjectDisposedException>(open.Commit);

        // Concurrent transactions on several threads, each on its own lane.
        PmemOid root = pool.Root(8 * 64);
        var threads = Enumerable.Range(0, 4).Select(k => new Thread(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                pool.Transaction(tx =>
                {
                    tx.AddRange(root, (ulong)k * 64, 8);
                    pool.Ref<long>(root, (ulong)k * 64)++;
                    PmemOid o = tx.Allocate(32, 1);
                    tx.Free(o);
                });
            }
        })).ToArray();
        foreach (Thread th in threads)
            th.Start();
        foreach (Thread th in threads)
            th.Join();
        for (int k = 0; k < 4; k++)
            Assert.Equal(200, pool.Ref<long>(root, (ulong)k * 64));
    }

    private static Exception? Record(Action a)
    {
        try
        {
            a();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    internal static ulong UndoGenerations(ObjPool pool)
    {
        ulong sum = 0;
        ulong lanes = 0x2000;
        for (int i = 0; i < LaneLayout.DefaultLaneCount; i++)
            sum += ReadWord(pool, lanes + (ulong)i * LaneLayout.Size + LaneLayout.UndoOffset + 24);
        return sum;
    }

    internal static ulong ReadWord(ObjPool pool, ulong offset) => pool.TestHookWord(offset);
}
