// Atomic list semantics: PMDK's circular layout, insert/remove/move against a model, remove-free, transactional variants (PMDK: libpmemobj/list.c).
using Pmdk.Obj.Lists;
using Pmdk.Testing;

namespace Pmdk.Obj.Tests.Lists;

public class ListTests
{
    /// <summary>Drives the lists through this library.</summary>
    internal sealed class OurDriver(ObjPool pool, PmemOid root) : ListDriver
    {
        public PmemList A => pool.List(root, HeadA, Entry);

        public PmemList B => pool.List(root, HeadB, Entry);

        private PmemList L(int i) => i == 0 ? A : B;

        private PmemOid O(ulong off) => off == 0 ? PmemOid.Null : new PmemOid(pool.UuidLo, off);

        public override ulong InsertNew(int list, ulong dest, bool before) =>
            pool.ListInsertNew(Entry, root.Offset + (list == 0 ? HeadA : HeadB), O(dest), before, ElementSize, ElementType, s => s[..8].Fill(0x11)).Offset;

        public override ulong AllocateLoose() => pool.ZAllocate(ElementSize, ElementType).Offset;

        public override void Insert(int list, ulong dest, bool before, ulong obj) =>
            pool.ListInsert(Entry, L(list).HeadOffset, O(dest), before, O(obj));

        public override void Remove(int list, ulong obj, bool free)
        {
            if (free)
                L(list).RemoveFree(O(obj));
            else
                L(list).Remove(O(obj));
        }

        public override void Move(int from, int to, ulong dest, bool before, ulong obj) => L(from).MoveTo(L(to), O(dest), before, O(obj));

        public void Verify()
        {
            for (int i = 0; i < 2; i++)
                AssertList(pool, L(i), Model[i]);
        }
    }

    internal static void AssertList(ObjPool pool, PmemList list, List<ulong> expected)
    {
        Assert.Equal(expected, list.Select(o => o.Offset).ToList());
        ref PmemListHead head = ref pool.Ref<PmemListHead>(new PmemOid(pool.UuidLo, list.HeadOffset));
        if (expected.Count == 0)
        {
            Assert.Equal(0UL, head.First.Offset);
            return;
        }
        Assert.Equal(expected[0], head.First.Offset);
        Assert.Equal(pool.UuidLo, head.First.PoolUuidLo);
        for (int i = 0; i < expected.Count; i++)
        {
            ref PmemListEntry e = ref pool.Ref<PmemListEntry>(new PmemOid(pool.UuidLo, expected[i]), list.EntryOffset);
            Assert.Equal(expected[(i + 1) % expected.Count], e.Next.Offset);
            Assert.Equal(expected[(i + expected.Count - 1) % expected.Count], e.Prev.Offset);
            Assert.Equal(pool.UuidLo, e.Next.PoolUuidLo);
            Assert.Equal(pool.UuidLo, e.Prev.PoolUuidLo);
        }
    }

    private static ObjPool NewPool(TempPoolDirectory dir, out PmemOid root)
    {
        ObjPool pool = ObjPool.Create(dir.File("lists.pool"), "lists", 16 << 20);
        root = pool.Root(256);
        return pool;
    }

    [Fact]
    public void Insert_positions_and_circular_links_follow_PMDK()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        PmemList list = pool.List(root, 0, 8);
        Assert.True(list.IsEmpty);
        PmemOid a = pool.ZAllocate(64, 1), b = pool.ZAllocate(64, 1), c = pool.ZAllocate(64, 1);
        list.InsertHead(b);
        AssertList(pool, list, [b.Offset]); // a single element points to itself
        list.InsertHead(a);
        list.InsertTail(c);
        AssertList(pool, list, [a.Offset, b.Offset, c.Offset]);
        Assert.Equal(a, list.First);
        Assert.Equal(c, list.Last);
        Assert.Equal(a, list.Next(c));
        Assert.Equal(c, list.Prev(a));
        PmemOid d = list.InsertNewAfter(b, 64, 2, s => s[0] = 0xDD);
        PmemOid e = list.InsertNewBefore(a, 64, 2);
        AssertList(pool, list, [e.Offset, a.Offset, b.Offset, d.Offset, c.Offset]);
        Assert.Equal(0xDD, pool.GetSpan(d)[0]);
        Assert.Equal(2UL, pool.TypeNumber(e));

        list.Remove(e);
        list.Remove(b);
        list.Remove(c);
        AssertList(pool, list, [a.Offset, d.Offset]);
        ref PmemListEntry removed = ref pool.Ref<PmemListEntry>(b, 8);
        Assert.Equal(0UL, removed.Next.Offset);
        Assert.Equal(0UL, removed.Prev.Offset);
        list.RemoveFree(d);
        Assert.DoesNotContain(d, pool.Objects());
        list.Remove(a);
        AssertList(pool, list, []);
        Assert.Equal(pool.UuidLo, pool.Ref<PmemListHead>(root).First.PoolUuidLo); // PMDK keeps the uuid of an emptied head
        Assert.Throws<ArgumentException>(() => list.Remove(a));
    }

    [Fact]
    public void Random_operations_match_a_model_and_survive_reopen()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("lists.pool");
        List<ulong>[] model;
        using (ObjPool pool = NewPool(dir, out PmemOid root))
        {
            var drv = new OurDriver(pool, root);
            var rng = new Random(1234);
            for (int round = 0; round < 30; round++)
            {
                drv.RandomSteps(rng, 20);
                drv.Verify();
            }
            model = drv.Model;
        }
        using (ObjPool pool = ObjPool.Open(path, "lists"))
        {
            var drv = new OurDriver(pool, pool.RootOrNull);
            drv.Model[0].AddRange(model[0]);
            drv.Model[1].AddRange(model[1]);
            drv.Verify();
        }
        Assert.Equal(1, Pmdk.Testing.Oracle.NativeObj.pmemobj_check(path, "lists"));
    }

    [Fact]
    public void Move_between_entry_fields_and_lists()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        PmemList a = pool.List(root, 0, 8), b = pool.List(root, 80, 40);
        PmemOid x = a.InsertNewTail(128, 1), y = a.InsertNewTail(128, 1), z = b.InsertNewTail(128, 1);
        a.MoveTo(b, z, true, x);
        AssertList(pool, a, [y.Offset]);
        AssertList(pool, b, [x.Offset, z.Offset]);
        b.MoveTo(a, PmemOid.Null, false, z);
        AssertList(pool, a, [y.Offset, z.Offset]);
        AssertList(pool, b, [x.Offset]);
    }

    [Fact]
    public void Concurrent_inserts_and_removes_keep_the_list_consistent()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        PmemList list = pool.List(root, 0, 8);
        const int threads = 4, per = 200;
        var kept = new System.Collections.Concurrent.ConcurrentBag<ulong>();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (int i = 0; i < per; i++)
            {
                PmemOid o = (i & 1) == 0 ? list.InsertNewHead(64, 1) : list.InsertNewTail(64, 1);
                if (i % 3 == 0)
                    list.RemoveFree(o);
                else
                    kept.Add(o.Offset);
            }
        });
        List<ulong> order = list.Select(o => o.Offset).ToList();
        Assert.Equal(kept.Order(), order.Order());
        AssertList(pool, list, order);
    }

    [Fact]
    public void Transactional_insert_and_remove_roll_back_on_abort()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        PmemList list = pool.List(root, 0, 8);
        PmemOid a = list.InsertNewTail(64, 1), b = list.InsertNewTail(64, 1);
        PmemOid c = default;
        using (var tx = pool.BeginTransaction())
        {
            c = list.InsertNew(tx, a, false, 64, 1);
            list.Remove(tx, a);
            AssertList(pool, list, [c.Offset, b.Offset]);
            Assert.False(OtherThreadTryLock(pool, list)); // the head's lock is held by the transaction
            tx.Abort();
        }
        AssertList(pool, list, [a.Offset, b.Offset]);
        Assert.DoesNotContain(c, pool.Objects());
        Assert.True(OtherThreadTryLock(pool, list));

        pool.Transaction(tx =>
        {
            c = list.InsertNew(tx, PmemOid.Null, true, 64, 1);
            list.Remove(tx, b, free: true);
            PmemOid loose = pool.ZAllocate(64, 1);
            list.Insert(tx, a, true, loose);
        });
        Assert.Equal(3, list.Count());
        Assert.Equal(c, list.First);
        Assert.Equal(a, list.Last);
        Assert.DoesNotContain(b, pool.Objects());
        AssertList(pool, list, list.Select(o => o.Offset).ToList());
    }

    private static bool OtherThreadTryLock(ObjPool pool, PmemList list)
    {
        bool ok = false;
        var t = new Thread(() =>
        {
            Pmdk.Obj.Locks.PmemMutex m = pool.MutexAt(list.HeadOffset + PmemListHead.LockOffset);
            ok = m.TryLock();
            if (ok)
                m.Unlock();
        });
        t.Start();
        t.Join();
        return ok;
    }
}
