// PersistentVector and PersistentString: random operations against List/StringBuilder, reopen, abort.
using System.Text;
using Pmdk.Obj.Tx;
using Pmdk.Testing;

namespace Pmdk.Obj.Collections.Tests;

public sealed class VectorAndStringTests : IDisposable
{
    private readonly TempPoolDirectory _dir = new();
    private static readonly ObjPoolOptions Force = new() { IsPmemForce = true };

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Vector_random_operations_match_list_and_survive_reopen()
    {
        string path = _dir.File("vec.pool");
        var model = new List<long>();
        var rnd = new Random(42);
        using (var pool = ObjPool.Create(path, "vec", 32 << 20, Force))
        {
            PmemOid root = pool.Root(16);
            PersistentVector<long> v = null!;
            pool.Transaction(tx =>
            {
                v = PersistentVector<long>.Create(tx);
                tx.AddRange(root, 0, 16);
                pool.Ref<PmemOid>(root) = v.Oid;
            });
            for (int i = 0; i < 2000; i++)
            {
                int op = rnd.Next(10);
                if (op < 6 || model.Count == 0)
                {
                    long x = rnd.NextInt64();
                    v.Add(x);
                    model.Add(x);
                }
                else if (op < 8)
                {
                    int k = rnd.Next(model.Count);
                    long x = rnd.NextInt64();
                    v[k] = x;
                    model[k] = x;
                }
                else
                {
                    int k = rnd.Next(model.Count);
                    v.RemoveAt(k);
                    model.RemoveAt(k);
                }
            }
            Assert.Equal(model, v);
            Assert.True(v.Capacity >= v.Count);
            Assert.Throws<ArgumentOutOfRangeException>(() => v[model.Count]);
        }
        using (var pool = ObjPool.Open(path, "vec", Force))
        {
            var v = PersistentVector<long>.Open(pool, pool.Ref<PmemOid>(pool.RootOrNull));
            Assert.Equal(model, v.AsSpan().ToArray());
            v.AddRange([1, 2, 3]);
            model.AddRange([1, 2, 3]);
            Assert.Equal(model, v);
            Assert.Throws<PoolCorruptedException>(() => PersistentVector<int>.Open(pool, v.Oid));
        }
    }

    [Fact]
    public void Vector_abort_leaves_it_unchanged_including_growth()
    {
        using var pool = ObjPool.Create(_dir.File("vabort.pool"), "vec", 16 << 20, Force);
        PersistentVector<int> v = null!;
        pool.Transaction(tx => v = PersistentVector<int>.Create(tx));
        v.AddRange([1, 2, 3, 4]);
        int cap = v.Capacity;
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            for (int i = 0; i < 100; i++)
                v.Add(i);
            v[0] = -5;
            v.RemoveAt(1);
            tx.Abort();
        }
        Assert.Equal([1, 2, 3, 4], v);
        Assert.Equal(cap, v.Capacity);
        // An object created in an aborted transaction does not exist.
        long before = pool.Statistics.CurrentAllocated;
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            PersistentVector<int>.Create(tx, 100).Add(5);
        }
        Assert.Equal(before, pool.Statistics.CurrentAllocated);
    }

    [Fact]
    public void String_assign_append_match_stringbuilder_reopen_and_abort()
    {
        string path = _dir.File("str.pool");
        var model = new StringBuilder("héllo");
        var rnd = new Random(7);
        PmemOid oid;
        using (var pool = ObjPool.Create(path, "str", 16 << 20, Force))
        {
            PersistentString s = null!;
            pool.Transaction(tx => s = PersistentString.Create(tx, "héllo"));
            oid = s.Oid;
            for (int i = 0; i < 300; i++)
            {
                string piece = new string((char)('a' + rnd.Next(26)), rnd.Next(0, 40)) + (rnd.Next(5) == 0 ? "€" : "");
                if (rnd.Next(8) == 0)
                {
                    s.Assign(piece);
                    model.Clear().Append(piece);
                }
                else
                {
                    s.Append(piece);
                    model.Append(piece);
                }
                Assert.Equal(model.ToString(), s.ToString());
            }
            using (ObjTransaction tx = pool.BeginTransaction())
            {
                s.Append("xyz");
                s.Assign(new string('q', 5000));
            }
            Assert.Equal(model.ToString(), s.ToString());
            Assert.Equal(Encoding.UTF8.GetByteCount(model.ToString()), s.ByteLength);
        }
        using (var pool = ObjPool.Open(path, "str", Force))
        {
            var s = PersistentString.Open(pool, oid);
            Assert.Equal(model.ToString(), s.ToString());
            Assert.True(Encoding.UTF8.GetBytes(model.ToString()).AsSpan().SequenceEqual(s.Utf8));
        }
    }
}
