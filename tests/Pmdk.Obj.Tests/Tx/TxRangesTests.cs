// The covered-range set of a transaction: a treap checked against a byte-map model (PMDK: libpmemobj/tx.c pmemobj_tx_add_common).
using Pmdk.Obj.Tx;
using Pmdk.Testing;

namespace Pmdk.Obj.Tests.Tx;

public sealed class TxRangesTests
{
    /// <summary>Walks the set in offset order through FindBelow and checks it is sorted, disjoint and non-adjacent where merged.</summary>
    private static List<TxRange> InOrder(TxRanges set)
    {
        var list = new List<TxRange>();
        for (int i = set.FindBelow(ulong.MaxValue, orEqual: true); i >= 0; i = set.FindBelow(set[i].Offset, orEqual: false))
            list.Add(set[i]);
        list.Reverse();
        Assert.Equal(set.Count, list.Count);
        for (int i = 1; i < list.Count; i++)
            Assert.True(list[i - 1].End <= list[i].Offset, $"ranges {i - 1} and {i} overlap");
        return list;
    }

    [Fact]
    public void Random_inserts_and_removals_keep_a_sorted_set_with_dense_indices()
    {
        var set = new TxRanges();
        var model = new SortedDictionary<ulong, ulong>();
        var rng = new Random(5);
        for (int step = 0; step < 20_000; step++)
        {
            if (model.Count > 0 && rng.Next(3) == 0)
            {
                ulong victim = model.Keys.ElementAt(rng.Next(model.Count));
                int node = set.FindExact(victim);
                Assert.True(node >= 0);
                set.RemoveAt(node);
                model.Remove(victim);
            }
            else
            {
                ulong off = (ulong)rng.Next(1 << 20) * 16;
                if (model.ContainsKey(off))
                    continue;
                set.Insert(off, 8, TxAddFlags.None);
                model[off] = 8;
            }
            if (step % 1000 == 0)
                Assert.Equal(model.Keys, InOrder(set).Select(r => r.Offset));
        }
        Assert.Equal(model.Keys, InOrder(set).Select(r => r.Offset));
        var seen = new HashSet<ulong>();
        for (int i = 0; i < set.Count; i++)
            Assert.True(seen.Add(set[i].Offset));
    }

    [Fact]
    public void AddRange_in_random_order_snapshots_every_byte_once_and_merges()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("r.pool"), "tx", 64 << 20);
        const int Size = 1 << 16;
        PmemOid obj = pool.ZAllocate(Size, 1);
        var covered = new bool[Size];
        var rng = new Random(11);
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            for (int i = 0; i < 3000; i++)
            {
                int off = rng.Next(Size - 64);
                int len = 1 + rng.Next(64);
                tx.AddRange(obj, (ulong)off, (ulong)len);
                covered.AsSpan(off, len).Fill(true);
            }
            ulong expected = (ulong)covered.Count(c => c);
            Assert.Equal(expected, TxContext.Current.Undo.SnapshotBytes);
            List<TxRange> ranges = InOrder(TxContext.Current.Ranges);
            for (int i = 1; i < ranges.Count; i++)
                Assert.True(ranges[i - 1].End < ranges[i].Offset, "adjacent ranges were not merged");
            Assert.Equal(expected, ranges.Aggregate(0UL, (s, r) => s + r.Size));
            pool.GetSpan(obj)[..Size].Fill(0x5A);
            tx.Abort();
        }
        Assert.True(pool.GetSpan(obj)[..Size].ToArray().Select((b, i) => covered[i] ? b == 0 : b == 0x5A).All(ok => ok));
    }
}
