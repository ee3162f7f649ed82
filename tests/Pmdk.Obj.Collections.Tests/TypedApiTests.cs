// The typed API: ObjPool<TRoot>, PmemOid<T>, typed allocation and snapshot helpers, commit/abort/reopen.
using System.Runtime.CompilerServices;
using Pmdk.Obj.Tx;
using Pmdk.Obj.Typed;
using Pmdk.Testing;

namespace Pmdk.Obj.Collections.Tests;

public sealed class TypedApiTests : IDisposable
{
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private struct Node
    {
        public long Value;
        public PmemOid<Node> Next;
    }

    private struct Root
    {
        public long Count;
        public PmemOid<Node> Head;
    }

    private static readonly ObjPoolOptions Force = new() { IsPmemForce = true };

    [Fact]
    public void Typed_oid_is_16_bytes_and_converts()
    {
        Assert.Equal(16, Unsafe.SizeOf<PmemOid<Node>>());
        var raw = new PmemOid(7, 0x1000);
        PmemOid<Node> t = (PmemOid<Node>)raw;
        PmemOid back = t;
        Assert.Equal(raw, back);
        Assert.True(PmemOid<Node>.Null.IsNull);
        Assert.Equal(TypeNumber<Node>.Value, TypeNumber<Node>.Value);
        Assert.NotEqual(TypeNumber<Node>.Value, TypeNumber<Root>.Value);
    }

    [Fact]
    public void Linked_list_in_transactions_survives_reopen_and_abort_undoes()
    {
        string path = _dir.File("typed.pool");
        using (var pool = ObjPool<Root>.OpenOrCreate(path, "typed", 16 << 20, Force))
        {
            for (int i = 1; i <= 5; i++)
            {
                pool.Transaction((ObjTransaction tx, ref Root root) =>
                {
                    PmemOid<Node> n = tx.New(new Node { Value = root.Count + 1, Next = root.Head });
                    root.Head = n;
                    root.Count++;
                });
            }
            // Aborted: the exception propagates, nothing changes.
            Assert.Throws<InvalidOperationException>(() => pool.Transaction(tx =>
            {
                ref Root r = ref tx.Edit(pool.RootOid);
                r.Count = 99;
                tx.Write(ref pool.Ref(r.Head).Value, -1L);
                throw new InvalidOperationException("boom");
            }));
            Assert.Equal(5, pool.Root.Count);
            Assert.Equal(5, pool.Ref(pool.Root.Head).Value);
            // using-style transaction without commit aborts too.
            using (ObjTransaction tx = pool.BeginTransaction())
            {
                tx.Modify(ref pool.Root).Count = 1234;
            }
            Assert.Equal(5, pool.Root.Count);
        }
        using (var pool = ObjPool<Root>.Open(path, "typed", Force))
        {
            Assert.Equal(5, pool.Root.Count);
            var values = new List<long>();
            for (PmemOid<Node> n = pool.Root.Head; !n.IsNull; n = pool.Ref(n).Next)
                values.Add(pool.Ref(n).Value);
            Assert.Equal([5L, 4, 3, 2, 1], values);
            Assert.Equal(5, pool.Pool.Objects(TypeNumber<Node>.Value).Count());
            // Free the list with FreeAndClear, using-style.
            using (ObjTransaction tx = pool.BeginTransaction())
            {
                ref Root r = ref tx.Edit(pool.RootOid);
                while (!r.Head.IsNull)
                {
                    PmemOid<Node> next = pool.Ref(r.Head).Next;
                    tx.FreeAndClear(ref r.Head);
                    r.Head = next;
                }
                r.Count = 0;
                tx.Commit();
            }
            Assert.Empty(pool.Pool.Objects(TypeNumber<Node>.Value));
        }
    }

    [Fact]
    public void Atomic_typed_new_and_free()
    {
        using var pool = ObjPool<Root>.Create(_dir.File("atomic.pool"), "t", 16 << 20, Force);
        PmemOid<Node> n = pool.Pool.New<Node>();
        Assert.Equal(0, pool.Ref(n).Value);
        Assert.Equal(TypeNumber<Node>.Value, pool.Pool.TypeNumber(n));
        pool.Pool.Free(ref n);
        Assert.True(n.IsNull);
    }

    [Fact]
    public void Snapshot_helpers_reject_dram_locations()
    {
        using var pool = ObjPool<Root>.Create(_dir.File("dram.pool"), "t", 16 << 20, Force);
        long local = 0;
        Assert.Throws<TransactionAbortedException>(() => pool.Transaction(tx => tx.Write(ref local, 5L)));
        Assert.Equal(0, pool.Root.Count);
    }
}
