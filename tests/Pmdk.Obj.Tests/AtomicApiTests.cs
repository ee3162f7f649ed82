// The atomic API: alloc/zalloc/realloc/free, strings, root, iteration by type, statistics, reopen persistence.
using System.Text;
using Pmdk.Testing;

namespace Pmdk.Obj.Tests;

public class AtomicApiTests
{
    private struct Point
    {
        public long X, Y;
    }

    [Fact]
    public void Root_is_created_grown_and_kept_across_reopen()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("root.pool");
        using (ObjPool pool = ObjPool.Create(path, "root", 8 << 20))
        {
            Assert.Equal(0UL, pool.RootSize);
            PmemOid r = pool.Root(64);
            Assert.True(pool.GetSpan(r)[..64].IndexOfAnyExcept((byte)0) < 0);
            pool.Ref<long>(r) = 42;
            pool.Persist(r, 0, 8);
            PmemOid grown = pool.Root(10000);
            Assert.Equal(42, pool.Ref<long>(grown));
            Assert.Equal(10000UL, pool.RootSize);
            Assert.Empty(pool.Objects());
        }
        using (ObjPool pool = ObjPool.Open(path, "root"))
        {
            Assert.Equal(4UL, pool.RunId);
            Assert.Equal(42, pool.Ref<long>(pool.Root(1)));
        }
    }

    [Fact]
    public void Alloc_realloc_free_strings_and_types()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("a.pool"), null, 16 << 20);
        PmemOid p = pool.Allocate<Point>(5);
        pool.Ref<Point>(p).X = 7;
        pool.Ref<Point>(p).Y = 8;
        Assert.Equal(5UL, pool.TypeNumber(p));
        PmemOid s = pool.StrDup("héllo", 6);
        Assert.Equal("héllo", pool.ReadString(s));
        PmemOid w = pool.StrDupUtf16("wide", 7);
        Assert.Equal("wide", Encoding.Unicode.GetString(pool.GetSpan(w)[..8]));
        PmemOid r = pool.ZReallocate(p, 5000, 8);
        Assert.Equal(7, pool.Ref<Point>(r).X);
        Assert.Equal(0, pool.GetSpan(r)[4999]);
        Assert.True(pool.UsableSize(r) >= 5000);
        Assert.Equal(new[] { s, w, r }.OrderBy(o => o.Offset), pool.Objects());
        Assert.Equal([r], pool.Objects(8));
        Assert.Equal(s, pool.First(6));
        Assert.True(pool.Next(s, 6).IsNull);
        pool.Free(ref r);
        Assert.True(r.IsNull);
        Assert.Throws<PmemException>(() => pool.Free(ref p)); // already freed by realloc
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Allocate(0, 1));
        Assert.Throws<ArgumentException>(() => pool.UsableSize(new PmemOid(pool.UuidLo, 12)));
    }

    [Fact]
    public void Pool_resident_oid_is_published_and_cleared_with_the_operation()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("dest.pool");
        using (ObjPool pool = ObjPool.Create(path, null, 16 << 20))
        {
            PmemOid root = pool.Root(64);
            ref PmemOid slot = ref pool.Ref<PmemOid>(root);
            pool.AllocateInto(ref slot, 300, 3, zero: true);
            Assert.False(slot.IsNull);
            Assert.Equal(pool.UuidLo, slot.PoolUuidLo);
            pool.ReallocateInto(ref slot, 90000, 4);
            Assert.Equal(4UL, pool.TypeNumber(slot));
        }
        using (ObjPool pool = ObjPool.Open(path, null))
        {
            ref PmemOid slot = ref pool.Ref<PmemOid>(pool.Root(64));
            Assert.Equal(pool.First(), slot);
            pool.Free(ref slot);
            Assert.Equal(PmemOid.Null, pool.Ref<PmemOid>(pool.Root(64)));
            Assert.Empty(pool.Objects());
        }
    }

    [Fact]
    public void Constructor_failure_cancels_the_allocation()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("c.pool"), null, 8 << 20);
        Assert.Throws<InvalidOperationException>(() => pool.Allocate(100, 1, _ => throw new InvalidOperationException()));
        Assert.Throws<InvalidOperationException>(() => pool.Allocate(3 << 20, 1, _ => throw new InvalidOperationException()));
        Assert.Empty(pool.Objects());
        Assert.False(pool.Allocate(3 << 20, 1).IsNull);
    }

    [Fact]
    public void Statistics_track_allocations()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("s.pool"), null, 16 << 20);
        PmemOid a = pool.Allocate(100, 1);
        PmemOid b = pool.Allocate(3 << 20, 1);
        ObjHeapStatistics st = pool.Statistics;
        Assert.Equal(128 + (13L << 18), st.CurrentAllocated);
        Assert.Equal(128UL, st.RunAllocated);
        Assert.Equal(262144UL, st.RunActive);
        pool.Free(ref a);
        pool.Free(ref b);
        Assert.Equal(0, pool.Statistics.CurrentAllocated);
    }

    [Fact]
    public void Concurrent_allocations_from_many_threads()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("t.pool"), null, 64 << 20);
        var all = new System.Collections.Concurrent.ConcurrentBag<PmemOid>();
        Parallel.For(0, 8, t =>
        {
            for (int i = 0; i < 500; i++)
            {
                PmemOid o = pool.Allocate((ulong)(16 + i % 700), (ulong)t, span => span[0] = 1);
                all.Add(o);
                if (i % 3 == 0)
                {
                    pool.Free(ref o);
                    all.Add(PmemOid.Null);
                }
            }
        });
        int live = pool.Objects().Count();
        Assert.Equal(8 * (500 - 167), live);
    }
}
