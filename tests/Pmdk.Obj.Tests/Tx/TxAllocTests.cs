// Transactional allocation and free, redo-log spill, and the reserve/publish action API (PMDK: src/test/obj_tx_alloc, obj_tx_free, obj_action).
using Pmdk.Obj.Actions;
using Pmdk.Obj.Tx;
using Pmdk.Testing;

namespace Pmdk.Obj.Tests.Tx;

public sealed class TxAllocTests : IDisposable
{
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Alloc_is_published_at_commit_and_undone_at_abort()
    {
        string path = _dir.File("a.pool");
        PmemOid kept, huge;
        using (ObjPool pool = ObjPool.Create(path, "tx", 32 << 20))
        {
            PmemOid root = pool.Root(32);
            long baseline = pool.Statistics.CurrentAllocated;
            using (ObjTransaction tx = pool.BeginTransaction())
            {
                PmemOid a = tx.ZAllocate(100, 5);
                PmemOid b = tx.Allocate(3 << 20, 6);
                pool.Ref<long>(a) = 1;
                tx.AddRange(a, 0, 8); // inside a new object: covered, nothing logged
                Assert.Equal(0UL, TxContext.Current.Undo.SnapshotBytes);
                Assert.NotEqual(a, b);
            }
            Assert.Empty(pool.Objects());
            Assert.Equal(baseline, pool.Statistics.CurrentAllocated);

            using (ObjTransaction tx = pool.BeginTransaction())
            {
                kept = tx.ZAllocate(100, 5);
                huge = tx.XAllocate(3 << 20, 6, TxAllocFlags.Zero);
                PmemOid s = tx.StrDup("tx string", 7);
                Assert.Equal("tx string", pool.ReadString(s));
                tx.AddRange(root, 0, 16);
                pool.Ref<PmemOid>(root) = kept;
                pool.Ref<long>(kept) = 42;
                PmemOid gone = tx.Allocate(64, 9);
                tx.Free(gone);
                tx.Commit();
            }
            Assert.Equal(3, pool.Objects().Count());
            Assert.Empty(pool.Objects(9));
        }
        Assert.True(ObjPool.Check(path, "tx", out string? problem), problem);
        using (ObjPool pool = ObjPool.Open(path, "tx"))
        {
            Assert.Equal(kept, pool.Ref<PmemOid>(pool.Root(32)));
            Assert.Equal(42, pool.Ref<long>(kept));
            Assert.Equal(6UL, pool.TypeNumber(huge));
            Assert.True(pool.UsableSize(huge) >= 3 << 20);

            // Free at commit; kept at abort.
            using (ObjTransaction tx = pool.BeginTransaction())
            {
                tx.Free(kept);
                Assert.Throws<TransactionAbortedException>(() => tx.Free(kept));
            }
            Assert.Equal(42, pool.Ref<long>(kept));
            pool.Transaction(tx =>
            {
                tx.Free(kept);
                tx.Free(huge);
                tx.AddRange(pool.Root(32), 0, 16);
                pool.Ref<PmemOid>(pool.Root(32)) = PmemOid.Null;
            });
            Assert.Single(pool.Objects());
        }
        Assert.True(ObjPool.Check(path, "tx", out problem), problem);
    }

    [Fact]
    public void Realloc_copies_and_frees_the_old_object()
    {
        using ObjPool pool = ObjPool.Create(_dir.File("r.pool"), "tx", 16 << 20);
        PmemOid o = pool.Allocate(64, 1, s => s.Fill(7));
        PmemOid grown = default;
        int old = (int)pool.UsableSize(o);
        pool.Transaction(tx =>
        {
            grown = tx.ZReallocate(o, 5000, 2);
            Assert.Equal(7, pool.GetSpan(grown)[old - 1]);
            Assert.Equal(0, pool.GetSpan(grown)[old]);
        });
        Assert.Equal([grown], pool.Objects());
        Assert.Equal(2UL, pool.TypeNumber(grown));
        pool.Transaction(tx => Assert.True(tx.Reallocate(grown, 0, 2).IsNull));
        Assert.Empty(pool.Objects());
    }

    [Fact]
    public void Many_allocations_spill_the_redo_log_into_extensions()
    {
        string path = _dir.File("m.pool");
        var oids = new List<PmemOid>();
        using (ObjPool pool = ObjPool.Create(path, "tx", 32 << 20))
        {
            PmemOid root = pool.Root(8);
            using (ObjTransaction tx = pool.BeginTransaction())
            {
                for (int i = 0; i < 150; i++)
                    tx.Allocate(100, 1);
            }
            Assert.Empty(pool.Objects());
            pool.Transaction(tx =>
            {
                tx.AddRange(root, 0, 8);
                pool.Ref<long>(root) = 150;
                for (int i = 0; i < 150; i++)
                {
                    PmemOid o = tx.Allocate((ulong)(16 + i * 8), 1);
                    pool.Ref<int>(o) = i;
                    oids.Add(o);
                }
            });
            Assert.Equal(150, pool.Objects().Count());
            pool.Transaction(tx =>
            {
                foreach (PmemOid o in oids)
                    tx.Free(o);
            });
            Assert.Empty(pool.Objects());
            pool.Transaction(tx =>
            {
                for (int i = 0; i < 150; i++)
                    oids[i] = tx.Allocate(40, 2);
            });
        }
        Assert.True(ObjPool.Check(path, "tx", out string? problem), problem);
        using ObjPool reopened = ObjPool.Open(path, "tx");
        Assert.Equal(150, reopened.Objects(2).Count());
        Assert.Equal(150, reopened.Ref<long>(reopened.Root(8)));
    }

    [Fact]
    public void Reserve_publish_cancel_defer_free_and_set_value()
    {
        string path = _dir.File("act.pool");
        using (ObjPool pool = ObjPool.Create(path, "act", 16 << 20))
        {
            PmemOid root = pool.Root(64);
            long baseline = pool.Statistics.CurrentAllocated;
            ObjAction r1 = pool.Reserve(200, 4);
            ObjAction r2 = pool.Reserve<long>(4);
            Assert.Equal(ObjActionKind.Reserve, r1.Kind);
            Assert.NotEqual(r1.Oid, r2.Oid);
            Assert.Empty(pool.Objects());
            pool.GetSpan(r1.Oid)[..200].Fill(3);
            pool.Persist(r1.Oid, 0, 200);
            ObjAction set = pool.SetValue(ref pool.Ref<ulong>(root, 16), r1.Oid.Offset);
            pool.Publish(r1, set);
            pool.Cancel(r2);
            Assert.Equal([r1.Oid], pool.Objects());
            Assert.Equal(r1.Oid.Offset, pool.Ref<ulong>(root, 16));
            Assert.Throws<ArgumentException>(() => { ulong dram = 0; pool.SetValue(ref dram, 1); });

            // Reservations stay hidden from other allocations until published.
            ObjAction pending = pool.Reserve(200, 4);
            var others = Enumerable.Range(0, 50).Select(_ => pool.Allocate(200, 5)).ToList();
            Assert.DoesNotContain(pending.Oid, others);
            ObjAction free = pool.DeferFree(r1.Oid);
            using (ObjTransaction tx = pool.BeginTransaction())
            {
                tx.Publish(pending, free);
            }
            Assert.Contains(r1.Oid, pool.Objects());
            Assert.DoesNotContain(pending.Oid, pool.Objects());
            ObjAction again = pool.Reserve(200, 4);
            pool.Transaction(tx =>
            {
                tx.Publish(again, pool.DeferFree(r1.Oid));
                tx.AddRange(root, 16, 8);
                pool.Ref<ulong>(root, 16) = again.Oid.Offset;
            });
            Assert.Contains(again.Oid, pool.Objects());
            Assert.DoesNotContain(r1.Oid, pool.Objects());
            foreach (PmemOid o in others)
            {
                PmemOid x = o;
                pool.Free(ref x);
            }
            Assert.True(pool.Statistics.CurrentAllocated > baseline);
        }
        Assert.True(ObjPool.Check(path, "act", out string? problem), problem);
    }

    [Fact]
    public void Reservations_survive_a_heap_rebuild_when_the_pool_fills()
    {
        using ObjPool pool = ObjPool.Create(_dir.File("full.pool"), "tx", 8 << 20);
        using ObjTransaction tx = pool.BeginTransaction();
        var mine = new List<PmemOid>();
        Assert.Throws<TransactionAbortedException>(() =>
        {
            for (int i = 0; i < 1000; i++)
                mine.Add(tx.Allocate(100_000, 1));
        });
        Assert.True(mine.Count > 10);
        Assert.Equal(mine.Count, mine.Distinct().Count());
        Assert.Empty(pool.Objects());
        PmemOid after = pool.Allocate(100_000, 1);
        Assert.False(after.IsNull);
    }
}
