// Our maps alone against an in-memory model, plus layout facts (type numbers, layout name) and the glibc rand sequence (PMDK: map examples).
using Pmdk.Examples.MapCli;
using Pmdk.Obj;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Examples.Tests;

public class MapModelTests
{
    private static IMap Make(string kind, ObjPool pool) => kind switch
    {
        "btree" => new BTreeMap(pool),
        "rbtree" => new RBTreeMap(pool),
        "hashmap_tx" => new HashMapTx(pool, new GlibcRandom(1)),
        "skiplist" => new SkipListMap(pool, new GlibcRandom(1)),
        _ => new HashMapAtomic(pool, new GlibcRandom(1)),
    };

    [Theory]
    [InlineData("btree", true)]
    [InlineData("rbtree", true)]
    [InlineData("hashmap_tx", false)]
    [InlineData("hashmap_atomic", false)]
    [InlineData("skiplist", true)]
    public void Random_inserts_and_removes_follow_a_model_across_reopen(string kind, bool allowsDuplicates)
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("model.pool");
        var model = new List<ulong>();
        var rng = new Random(42);
        for (int session = 0; session < 3; session++)
        {
            using ObjPool pool = session == 0 ? ObjPool.Create(path, "map", 64 << 20) : ObjPool.Open(path, "map");
            IMap map = Make(kind, pool);
            PmemOid root = pool.Root(16);
            if (session == 0)
                map.Create(root, 0, 1);
            PmemOid m = pool.Ref<PmemOid>(root);
            map.Init(m);
            for (int op = 0; op < 1500; op++)
            {
                ulong key = (ulong)rng.Next(1, 400);
                if (rng.Next(3) > 0)
                {
                    int ret = map.Insert(m, key, PmemOid.Null);
                    bool present = model.Contains(key);
                    Assert.Equal(!allowsDuplicates && present ? 1 : 0, ret);
                    if (ret == 0)
                        model.Add(key);
                }
                else if (map.Lookup(m, key))
                {
                    Assert.Contains(key, model);
                    map.Remove(m, key);
                    model.Remove(key);
                }
                else
                {
                    Assert.DoesNotContain(key, model);
                }
            }
            var seen = new List<ulong>();
            map.Foreach(m, (k, _) =>
            {
                seen.Add(k);
                return 0;
            });
            if (!kind.StartsWith("hashmap", StringComparison.Ordinal))
                Assert.Equal(model.Order(), seen); // in order
            else
                Assert.Equal(model.Order(), seen.Order());
            if (map.HasCount)
                Assert.Equal((ulong)model.Count, map.Count(m));
        }
        Assert.Equal(1, NativeObj.pmemobj_check(path, "map"));
    }

    [Theory]
    [InlineData("btree", new ulong[] { 1012, 1013 })]
    [InlineData("rbtree", new ulong[] { 1016, 1017 })]
    [InlineData("hashmap_tx", new ulong[] { 1004, 1005, 1006 })]
    [InlineData("hashmap_atomic", new ulong[] { 1000, 1001, 1002 })]
    [InlineData("skiplist", new ulong[] { 2020 })]
    public void Objects_carry_Cs_type_numbers_and_the_pool_the_map_layout(string kind, ulong[] types)
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("types.pool");
        Assert.Equal(0, MapCliRunner.Ours("n 100\n", kind, path, "2").ExitCode);
        using ObjPool pool = ObjPool.Open(path, "map");
        Assert.Equal("map", pool.Layout);
        Assert.Equal(MapCliApp.PoolSize, pool.Size);
        Assert.Equal(16UL, pool.RootSize);
        var found = pool.Objects().Select(pool.TypeNumber).Where(t => t != 0).Distinct().Order().ToArray();
        Assert.Equal(types, found);
    }

    [Fact]
    public void Glibc_rand_sequence_is_reproduced()
    {
        var r = new GlibcRandom(1);
        Assert.Equal(new[] { 1804289383, 846930886, 1681692777, 1714636915, 1957747793 }, Enumerable.Range(0, 5).Select(_ => r.Next()));
        r.Seed(12345);
        Assert.Equal(new[] { 383100999, 858300821, 357768173 }, Enumerable.Range(0, 3).Select(_ => r.Next()));
        r.Seed(0);
        Assert.Equal(1804289383, r.Next());
    }

    [Theory]
    [InlineData(" 42", true, 42UL)]
    [InlineData("\t+7x", true, 7UL)]
    [InlineData(" -1", true, ulong.MaxValue)]
    [InlineData(" 99999999999999999999999", true, ulong.MaxValue)]
    [InlineData(" x", false, 0UL)]
    [InlineData("", false, 0UL)]
    [InlineData(" -", false, 0UL)]
    public void Numbers_scan_like_sscanf(string text, bool ok, ulong value)
    {
        Assert.Equal(ok, CText.TryScanU64(text, out ulong v));
        Assert.Equal(value, v);
    }
}
