// The README walkthrough, compiled and run: a typed root holding a hash map, a radix tree and a vector, reopened.
using Pmdk.Obj.Typed;
using Pmdk.Testing;

namespace Pmdk.Obj.Collections.Tests;

public sealed class ReadmeWalkthroughTests : IDisposable
{
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // README: the root struct holds the collections' OIDs.
    private struct Inventory
    {
        public PmemOid Stock;   // PersistentHashMap<int, long>: item id -> quantity
        public PmemOid Names;   // RadixTree: name -> item id
        public PmemOid History; // PersistentVector<long>: quantities changed
    }

    private static (PersistentHashMap<int, long>, RadixTree, PersistentVector<long>) OpenInventory(ObjPool<Inventory> pool)
    {
        if (pool.Root.Stock.IsNull)
        {
            pool.Transaction((tx, ref root) =>
            {
                root.Stock = PersistentHashMap<int, long>.Create(tx).Oid;
                root.Names = RadixTree.Create(tx).Oid;
                root.History = PersistentVector<long>.Create(tx).Oid;
            });
        }
        ref Inventory r = ref pool.Root;
        return (PersistentHashMap<int, long>.Open(pool.Pool, r.Stock), RadixTree.Open(pool.Pool, r.Names), PersistentVector<long>.Open(pool.Pool, r.History));
    }

    [Fact]
    public void Walkthrough_runs_and_survives_reopen()
    {
        string path = _dir.File("inventory.pool");
        using (var pool = ObjPool<Inventory>.OpenOrCreate(path, "inventory", 32 << 20))
        {
            (PersistentHashMap<int, long> stock, RadixTree names, PersistentVector<long> history) = OpenInventory(pool);
            // One transaction spans all three: all or nothing, also across a crash.
            pool.Transaction(tx =>
            {
                names.Set("widget"u8, 1);
                stock[1] = 40;
                history.Add(40);
            });
            try
            {
                pool.Transaction(tx =>
                {
                    stock[1] -= 50;
                    history.Add(-50);
                    if (stock[1] < 0)
                        throw new InvalidOperationException("out of stock");
                });
            }
            catch (InvalidOperationException)
            {
            }
            Assert.Equal(40, stock[1]);
            Assert.Single(history);
        }
        using (var pool = ObjPool<Inventory>.OpenOrCreate(path, "inventory", 32 << 20))
        {
            (PersistentHashMap<int, long> stock, RadixTree names, PersistentVector<long> history) = OpenInventory(pool);
            Assert.True(names.TryGet("widget"u8, out int id));
            Assert.Equal(40, stock[id]);
            Assert.Equal([40L], history);
        }
    }
}
