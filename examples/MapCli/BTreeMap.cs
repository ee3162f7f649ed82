// B-tree of order 8 kept by transactions, same node layout and type numbers as C (PMDK: tree_map/btree_map.c).
using Pmdk.Obj;
using Pmdk.Obj.Tx;

namespace Pmdk.Examples.MapCli;

/// <summary>
/// The "btree" map: <c>struct btree_map { TOID root; }</c> (type 1012) and
/// <c>struct tree_map_node { int n; item items[7]; TOID slots[8]; }</c> (type 1013, 304 bytes).
/// </summary>
public sealed class BTreeMap(ObjPool pool) : IMap
{
    /// <summary>Type number of the map object (BTREE_MAP_TYPE_OFFSET + 0).</summary>
    public const ulong MapType = 1012;

    /// <summary>Type number of a node (BTREE_MAP_TYPE_OFFSET + 1).</summary>
    public const ulong NodeType = 1013;

    private const int Order = 8;
    private const int Min = Order / 2 - 1;
    private const ulong ItemSize = 24;
    private const ulong NodeSize = 8 + ItemSize * (Order - 1) + 16 * Order;
    private const ulong MapSize = 16;

    private ObjTransaction _tx = null!;

    private static ulong ItemAt(int i) => 8 + ItemSize * (ulong)i;

    private static ulong SlotAt(int i) => 8 + ItemSize * (Order - 1) + 16 * (ulong)i;

    private ref int N(PmemOid node) => ref pool.I32(node, 0);

    private ref ulong Key(PmemOid node, int i) => ref pool.U64(node, ItemAt(i));

    private ref PmemOid Value(PmemOid node, int i) => ref pool.Oid(node, ItemAt(i) + 8);

    private ref PmemOid Slot(PmemOid node, int i) => ref pool.Oid(node, SlotAt(i));

    private ref PmemOid Root(PmemOid map) => ref pool.Oid(map, 0);

    /// <inheritdoc/>
    public bool HasCount => false;

    /// <inheritdoc/>
    public bool HasCommands => false;

    /// <inheritdoc/>
    public void Create(PmemOid root, ulong rootOffset, uint seed) => pool.Transaction(tx =>
    {
        tx.AddRange(root, rootOffset, 16);
        pool.Oid(root, rootOffset) = tx.ZAllocate(MapSize, MapType);
    });

    /// <inheritdoc/>
    public void Init(PmemOid map)
    {
    }

    /// <inheritdoc/>
    public ulong Count(PmemOid map) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Rebuild(PmemOid map, ulong buckets) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Debug(PmemOid map, TextWriter output) => throw new NotSupportedException();

    private bool IsEmpty(PmemOid map) => Root(map).IsNull || N(Root(map)) == 0;

    private void SetItem(PmemOid node, int i, ulong key, PmemOid value)
    {
        Key(node, i) = key;
        Value(node, i) = value;
    }

    private void InsertItemAt(PmemOid node, int pos, ulong key, PmemOid value)
    {
        SetItem(node, pos, key, value);
        N(node) += 1;
    }

    private void InsertEmpty(PmemOid map, ulong key, PmemOid value)
    {
        _tx.AddRange(map, 0, 16);
        Root(map) = _tx.ZAllocate(NodeSize, NodeType);
        InsertItemAt(Root(map), 0, key, value);
    }

    private void InsertNode(PmemOid node, int p, ulong key, PmemOid value, PmemOid left, PmemOid right)
    {
        _tx.AddRange(node, 0, NodeSize);
        if (Key(node, p) != 0)
        {
            pool.Move(node, ItemAt(p + 1), ItemAt(p), ItemSize * (ulong)(Order - 2 - p));
            pool.Move(node, SlotAt(p + 1), SlotAt(p), 16 * (ulong)(Order - 1 - p));
        }
        Slot(node, p) = left;
        Slot(node, p + 1) = right;
        InsertItemAt(node, p, key, value);
    }

    private PmemOid CreateSplitNode(PmemOid node, out ulong mKey, out PmemOid mValue)
    {
        PmemOid right = _tx.ZAllocate(NodeSize, NodeType);
        const int c = Order / 2;
        mKey = Key(node, c - 1);
        mValue = Value(node, c - 1);
        _tx.AddRange(node, 0, NodeSize);
        SetItem(node, c - 1, 0, PmemOid.Null);
        for (int i = c; i < Order; i++)
        {
            if (i != Order - 1)
            {
                int rn = N(right)++;
                SetItem(right, rn, Key(node, i), Value(node, i));
                SetItem(node, i, 0, PmemOid.Null);
            }
            Slot(right, i - c) = Slot(node, i);
            Slot(node, i) = PmemOid.Null;
        }
        N(node) = c - 1;
        return right;
    }

    private PmemOid FindDestNode(PmemOid map, PmemOid n, PmemOid parent, ulong key, ref int p)
    {
        if (N(n) == Order - 1)
        {
            PmemOid right = CreateSplitNode(n, out ulong mKey, out PmemOid mValue);
            if (!parent.IsNull)
            {
                InsertNode(parent, p, mKey, mValue, n, right);
                if (key > mKey)
                    n = right;
            }
            else
            {
                PmemOid up = _tx.ZAllocate(NodeSize, NodeType);
                N(up) = 1;
                SetItem(up, 0, mKey, mValue);
                Slot(up, 0) = n;
                Slot(up, 1) = right;
                _tx.AddRange(map, 0, 16);
                Root(map) = up;
                n = up;
            }
        }

        int i;
        for (i = 0; i < Order - 1; i++)
        {
            p = i;
            if (N(n) == i || Key(n, i) > key)
                return Slot(n, i).IsNull ? n : FindDestNode(map, Slot(n, i), n, key, ref p);
        }
        return FindDestNode(map, Slot(n, i), n, key, ref p);
    }

    private void InsertItem(PmemOid node, int p, ulong key, PmemOid value)
    {
        _tx.AddRange(node, 0, NodeSize);
        if (Key(node, p) != 0)
            pool.Move(node, ItemAt(p + 1), ItemAt(p), ItemSize * (ulong)(Order - 2 - p));
        InsertItemAt(node, p, key, value);
    }

    /// <inheritdoc/>
    public int Insert(PmemOid map, ulong key, PmemOid value)
    {
        pool.Transaction(tx =>
        {
            _tx = tx;
            if (IsEmpty(map))
            {
                InsertEmpty(map, key, value);
            }
            else
            {
                int p = 0;
                PmemOid dest = FindDestNode(map, Root(map), PmemOid.Null, key, ref p);
                InsertItem(dest, p, key, value);
            }
        });
        return 0;
    }

    private void RotateRight(PmemOid rsb, PmemOid node, PmemOid parent, int p)
    {
        InsertItem(node, N(node), Key(parent, p), Value(parent, p));
        _tx.AddRange(parent, ItemAt(p), ItemSize);
        SetItem(parent, p, Key(rsb, 0), Value(rsb, 0));
        _tx.AddRange(node, SlotAt(N(node)), 16);
        Slot(node, N(node)) = Slot(rsb, 0);
        _tx.AddRange(rsb, 0, NodeSize);
        N(rsb) -= 1;
        pool.Move(rsb, ItemAt(0), ItemAt(1), ItemSize * (ulong)N(rsb));
        pool.Move(rsb, SlotAt(0), SlotAt(1), 16 * (ulong)(N(rsb) + 1));
    }

    private void RotateLeft(PmemOid lsb, PmemOid node, PmemOid parent, int p)
    {
        InsertItem(node, 0, Key(parent, p - 1), Value(parent, p - 1));
        _tx.AddRange(parent, ItemAt(p - 1), ItemSize);
        int last = N(lsb) - 1;
        SetItem(parent, p - 1, Key(lsb, last), Value(lsb, last));
        pool.Move(node, SlotAt(1), SlotAt(0), 16 * (ulong)N(node));
        Slot(node, 0) = Slot(lsb, N(lsb));
        _tx.AddRange(lsb, 0, 4);
        N(lsb) -= 1;
    }

    private void Merge(PmemOid map, PmemOid rn, PmemOid node, PmemOid parent, int p)
    {
        ulong sepKey = Key(parent, p);
        PmemOid sepValue = Value(parent, p);
        _tx.AddRange(node, 0, NodeSize);
        int at = N(node)++;
        SetItem(node, at, sepKey, sepValue);
        pool.Copy(rn, ItemAt(0), node, ItemAt(N(node)), ItemSize * (ulong)N(rn));
        pool.Copy(rn, SlotAt(0), node, SlotAt(N(node)), 16 * (ulong)(N(rn) + 1));
        N(node) += N(rn);
        _tx.Free(rn);

        _tx.AddRange(parent, 0, NodeSize);
        N(parent) -= 1;
        pool.Move(parent, ItemAt(p), ItemAt(p + 1), ItemSize * (ulong)(N(parent) - p));
        pool.Move(parent, SlotAt(p + 1), SlotAt(p + 2), 16 * (ulong)(N(parent) - p + 1));

        if (N(parent) == 0 && parent == Root(map))
        {
            _tx.AddRange(map, 0, MapSize);
            _tx.Free(Root(map));
            Root(map) = node;
        }
    }

    private void Rebalance(PmemOid map, PmemOid node, PmemOid parent, int p)
    {
        PmemOid rsb = p >= N(parent) ? PmemOid.Null : Slot(parent, p + 1);
        PmemOid lsb = p == 0 ? PmemOid.Null : Slot(parent, p - 1);

        if (!rsb.IsNull && N(rsb) > Min)
            RotateRight(rsb, node, parent, p);
        else if (!lsb.IsNull && N(lsb) > Min)
            RotateLeft(lsb, node, parent, p);
        else if (rsb.IsNull)
            Merge(map, node, lsb, parent, p - 1);
        else
            Merge(map, rsb, node, parent, p);
    }

    private PmemOid LeftmostLeaf(PmemOid n, ref PmemOid parent)
    {
        while (!Slot(n, 0).IsNull)
        {
            parent = n;
            n = Slot(n, 0);
        }
        return n;
    }

    private void RemoveFromNode(PmemOid map, PmemOid node, PmemOid parent, int p)
    {
        if (Slot(node, 0).IsNull)
        {
            _tx.AddRange(node, 0, NodeSize);
            if (N(node) == 1 || p == Order - 2)
                SetItem(node, p, 0, PmemOid.Null);
            else
                pool.Move(node, ItemAt(p), ItemAt(p + 1), ItemSize * (ulong)(N(node) - p));
            N(node) -= 1;
            return;
        }

        PmemOid rchild = Slot(node, p + 1);
        PmemOid lp = node;
        PmemOid lm = LeftmostLeaf(rchild, ref lp);
        _tx.AddRange(node, ItemAt(p), ItemSize);
        SetItem(node, p, Key(lm, 0), Value(lm, 0));
        RemoveFromNode(map, lm, lp, 0);
        if (N(lm) < Min)
            Rebalance(map, lm, lp, lp == node ? p + 1 : 0);
    }

    private bool ContainsItem(PmemOid n, int i, ulong key) => i != N(n) && Key(n, i) == key;

    private bool ChildCanContain(PmemOid n, int i, ulong key) => (i == N(n) || Key(n, i) > key) && !Slot(n, i).IsNull;

    private PmemOid RemoveItem(PmemOid map, PmemOid node, PmemOid parent, ulong key, int p)
    {
        PmemOid ret = PmemOid.Null;
        for (int i = 0; i <= N(node); i++)
        {
            if (ContainsItem(node, i, key))
            {
                ret = Value(node, i);
                RemoveFromNode(map, node, parent, i);
                break;
            }
            if (ChildCanContain(node, i, key))
            {
                ret = RemoveItem(map, Slot(node, i), node, key, i);
                break;
            }
        }
        if (!parent.IsNull && N(node) < Min)
            Rebalance(map, node, parent, p);
        return ret;
    }

    /// <inheritdoc/>
    public PmemOid Remove(PmemOid map, ulong key)
    {
        PmemOid ret = PmemOid.Null;
        pool.Transaction(tx =>
        {
            _tx = tx;
            ret = RemoveItem(map, Root(map), PmemOid.Null, key, 0);
        });
        return ret;
    }

    /// <inheritdoc/>
    public bool Lookup(PmemOid map, ulong key)
    {
        PmemOid node = Root(map);
        if (node.IsNull)
            return false;
        while (true)
        {
            int i = 0;
            for (; i <= N(node); i++)
            {
                if (ContainsItem(node, i, key))
                    return true;
                if (ChildCanContain(node, i, key))
                    break;
            }
            if (i > N(node))
                return false;
            node = Slot(node, i);
        }
    }

    /// <inheritdoc/>
    public int Foreach(PmemOid map, Func<ulong, PmemOid, int> callback) => ForeachNode(Root(map), callback);

    private int ForeachNode(PmemOid p, Func<ulong, PmemOid, int> callback)
    {
        if (p.IsNull)
            return 0;
        for (int i = 0; i <= N(p); i++)
        {
            if (ForeachNode(Slot(p, i), callback) != 0)
                return 1;
            if (i != N(p) && Key(p, i) != 0 && callback(Key(p, i), Value(p, i)) != 0)
                return 1;
        }
        return 0;
    }
}
