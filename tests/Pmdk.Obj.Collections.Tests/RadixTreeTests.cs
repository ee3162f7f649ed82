// RadixTree: random operations against SortedDictionary (ordered enumeration, ranges), reopen, abort.
using System.Text;
using Pmdk.Obj.Tx;
using Pmdk.Testing;

namespace Pmdk.Obj.Collections.Tests;

public sealed class RadixTreeTests : IDisposable
{
    private readonly TempPoolDirectory _dir = new();
    private static readonly ObjPoolOptions Force = new() { IsPmemForce = true };

    public void Dispose() => _dir.Dispose();

    private sealed class ByteComparer : IComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }

    private static byte[] RandomKey(Random rnd)
    {
        // Short keys over a tiny alphabet including 0: many shared prefixes and prefix keys.
        var k = new byte[rnd.Next(0, 5)];
        for (int i = 0; i < k.Length; i++)
            k[i] = (byte)(rnd.Next(4) * 85);
        return k;
    }

    [Fact]
    public void Random_operations_match_sorted_dictionary_and_survive_reopen()
    {
        string path = _dir.File("radix.pool");
        var model = new SortedDictionary<byte[], byte[]>(ByteComparer.Instance);
        var rnd = new Random(11);
        PmemOid oid;
        using (var pool = ObjPool.Create(path, "radix", 32 << 20, Force))
        {
            RadixTree tree = null!;
            pool.Transaction(tx => tree = RadixTree.Create(tx));
            oid = tree.Oid;
            for (int i = 0; i < 4000; i++)
            {
                byte[] k = RandomKey(rnd);
                if (rnd.Next(3) == 0)
                {
                    Assert.Equal(model.Remove(k), tree.Remove(k));
                }
                else
                {
                    byte[] v = new byte[rnd.Next(0, 20)];
                    rnd.NextBytes(v);
                    Assert.Equal(!model.ContainsKey(k), tree.Set(k, v));
                    model[k] = v;
                }
                if (i % 500 == 0)
                    Assert.Equal(model.Select(kv => (kv.Key, kv.Value)), tree.Select(kv => (kv.Key, kv.Value)), PairComparer.Instance);
            }
            Assert.Equal(model.Count, tree.Count);
        }
        using (var pool = ObjPool.Open(path, "radix", Force))
        {
            var tree = RadixTree.Open(pool, oid);
            Assert.Equal(model.Select(kv => (kv.Key, kv.Value)), tree.Select(kv => (kv.Key, kv.Value)), PairComparer.Instance);
            for (int i = 0; i < 200; i++)
            {
                byte[] lo = RandomKey(rnd), hi = RandomKey(rnd);
                var expect = model.Where(kv => ByteComparer.Instance.Compare(kv.Key, lo) >= 0 && ByteComparer.Instance.Compare(kv.Key, hi) < 0).Select(kv => (kv.Key, kv.Value));
                Assert.Equal(expect, tree.GetBetween(lo, hi).Select(kv => (kv.Key, kv.Value)), PairComparer.Instance);
            }
            foreach ((byte[] k, byte[] v) in model)
                Assert.Equal(v, tree.Get(k));
            pool.Transaction(tree.Delete);
            Assert.Empty(pool.Objects());
        }
    }

    private sealed class PairComparer : IEqualityComparer<(byte[], byte[])>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((byte[], byte[]) x, (byte[], byte[]) y) => x.Item1.AsSpan().SequenceEqual(y.Item1) && x.Item2.AsSpan().SequenceEqual(y.Item2);

        public int GetHashCode((byte[], byte[]) obj) => obj.Item1.Length;
    }

    [Fact]
    public void Strings_typed_values_and_abort()
    {
        using var pool = ObjPool.Create(_dir.File("rstr.pool"), "radix", 16 << 20, Force);
        RadixTree tree = null!;
        pool.Transaction(tx => tree = RadixTree.Create(tx));
        string[] words = ["banana", "apple", "app", "", "applesauce", "cherry", "band"];
        foreach (string w in words)
            tree.Set(w, w.ToUpperInvariant());
        Assert.Equal(words.Order(StringComparer.Ordinal), tree.Select(kv => Encoding.UTF8.GetString(kv.Key)));
        Assert.Equal("APP", tree.Get("app"));
        Assert.Null(tree.Get("ap"));
        Assert.True(tree.Set("n"u8, 42L) && tree.TryGet("n"u8, out long n) && n == 42);
        long allocated = pool.Statistics.CurrentAllocated;
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            tree.Remove("apple");
            tree.Set("zebra", "Z");
            tree.Set("app", "changed");
            tx.Abort();
        }
        Assert.Equal(8, tree.Count);
        Assert.Equal("APPLE", tree.Get("apple"));
        Assert.Equal("APP", tree.Get("app"));
        Assert.Null(tree.Get("zebra"));
        Assert.Equal(allocated, pool.Statistics.CurrentAllocated);
    }
}
