// PersistentHashMap: random operations against Dictionary, rehash, reopen, abort, and a many-thread stress test.
using Pmdk.Obj.Tx;
using Pmdk.Testing;

namespace Pmdk.Obj.Collections.Tests;

public sealed class HashMapTests : IDisposable
{
    private readonly TempPoolDirectory _dir = new();
    private static readonly ObjPoolOptions Force = new() { IsPmemForce = true };

    public void Dispose() => _dir.Dispose();

    private struct Point
    {
        public int X;
        public int Y;
    }

    [Fact]
    public void Random_operations_match_dictionary_through_rehash_and_reopen()
    {
        string path = _dir.File("map.pool");
        var model = new Dictionary<long, Point>();
        var rnd = new Random(3);
        PmemOid oid;
        using (var pool = ObjPool.Create(path, "map", 64 << 20, Force))
        {
            PersistentHashMap<long, Point> map = null!;
            pool.Transaction(tx => map = PersistentHashMap<long, Point>.Create(tx));
            oid = map.Oid;
            for (int i = 0; i < 6000; i++)
            {
                long k = rnd.Next(3000);
                var p = new Point { X = i, Y = -i };
                switch (rnd.Next(4))
                {
                    case 0:
                    case 1:
                        Assert.Equal(!model.ContainsKey(k), map.Set(k, p));
                        model[k] = p;
                        break;
                    case 2:
                        Assert.Equal(model.TryAdd(k, p), map.TryAdd(k, p));
                        break;
                    default:
                        Assert.Equal(model.Remove(k, out Point old), map.Remove(k, out Point got));
                        Assert.Equal(old, got);
                        break;
                }
            }
            Assert.Equal(model.Count, map.Count);
            Assert.True(map.BucketCount > 64);
            Assert.Equal(model.OrderBy(kv => kv.Key), map.OrderBy(kv => kv.Key));
        }
        using (var pool = ObjPool.Open(path, "map", Force))
        {
            var map = PersistentHashMap<long, Point>.Open(pool, oid);
            Assert.Equal(model.Count, map.Count);
            foreach ((long k, Point v) in model)
                Assert.Equal(v, map[k]);
            Assert.False(map.ContainsKey(-1));
            Assert.Throws<KeyNotFoundException>(() => map[-1]);
            Assert.Throws<PoolCorruptedException>(() => PersistentHashMap<int, Point>.Open(pool, oid));
            pool.Transaction(map.Delete);
            Assert.Empty(pool.Objects());
        }
    }

    [Fact]
    public void Abort_leaves_the_map_unchanged()
    {
        using var pool = ObjPool.Create(_dir.File("mabort.pool"), "map", 32 << 20, Force);
        PersistentHashMap<int, int> map = null!;
        pool.Transaction(tx => map = PersistentHashMap<int, int>.Create(tx));
        for (int i = 0; i < 100; i++)
            map[i] = i;
        var before = map.OrderBy(kv => kv.Key).ToList();
        long allocated = pool.Statistics.CurrentAllocated;
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            for (int i = 100; i < 300; i++)
                map[i] = i;
            for (int i = 0; i < 50; i++)
                map.Remove(i);
            map[77] = -1;
            tx.Abort();
        }
        Assert.Equal(before, map.OrderBy(kv => kv.Key).ToList());
        Assert.Equal(100, map.Count);
        Assert.Equal(allocated, pool.Statistics.CurrentAllocated);
        map[500] = 5; // the locks were released at the end of the aborted transaction
        Assert.Equal(5, map[500]);
    }

    [Fact]
    public void Many_threads_keep_the_invariants()
    {
        using var pool = ObjPool.Create(_dir.File("mstress.pool"), "map", 128 << 20, Force);
        PersistentHashMap<long, long> map = null!;
        pool.Transaction(tx => map = PersistentHashMap<long, long>.Create(tx));
        const int Threads = 8, PerThread = 1500;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var rnd = new Random(t);
            // Each thread owns keys t, t+Threads, ...: its own model must match exactly, whatever the others do.
            var mine = new Dictionary<long, long>();
            for (int i = 0; i < PerThread; i++)
            {
                long k = (rnd.Next(400) * Threads) + t;
                if (rnd.Next(3) == 0)
                {
                    if (map.Remove(k) != mine.Remove(k))
                        errors.Enqueue($"thread {t}: remove {k} disagrees");
                }
                else
                {
                    map[k] = i;
                    mine[k] = i;
                }
                long probe = (rnd.Next(400) * Threads) + t;
                if (map.TryGetValue(probe, out long v) != mine.TryGetValue(probe, out long w) || v != w)
                    errors.Enqueue($"thread {t}: get {probe} = {v}, expected {w}");
                if (i % 100 == 0)
                    _ = map.Count(kv => kv.Key % Threads == t); // concurrent enumeration
            }
            foreach ((long k, long v) in mine)
            {
                if (!map.TryGetValue(k, out long got) || got != v)
                    errors.Enqueue($"thread {t}: final {k} = {got}, expected {v}");
            }
            int count = map.Count(kv => kv.Key % Threads == t);
            if (count != mine.Count)
                errors.Enqueue($"thread {t}: {count} keys in the map, {mine.Count} in its model");
        });
        Assert.Empty(errors);
        Assert.Equal(map.ToList().Count, map.Count);
        string path = pool.Path;
        pool.Dispose();
        Assert.True(ObjPool.Check(path, "map", out string? problem), problem);
    }
}
