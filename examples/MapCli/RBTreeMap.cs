// Red-black tree with a shared sentinel, kept by transactions, same layout and type numbers as C (PMDK: tree_map/rbtree_map.c).
using Pmdk.Obj;
using Pmdk.Obj.Tx;

namespace Pmdk.Examples.MapCli;

/// <summary>
/// The "rbtree" map: <c>struct rbtree_map { TOID sentinel, root; }</c> (type 1016, 32 bytes) and
/// <c>struct tree_map_node { u64 key; oid value; enum color; TOID parent; TOID slots[2]; }</c> (type 1017, 80 bytes).
/// The real tree hangs off the left slot of the dummy root node.
/// </summary>
public sealed class RBTreeMap(ObjPool pool) : IMap
{
    /// <summary>Type number of the map object (RBTREE_MAP_TYPE_OFFSET + 0).</summary>
    public const ulong MapType = 1016;

    /// <summary>Type number of a node (RBTREE_MAP_TYPE_OFFSET + 1).</summary>
    public const ulong NodeType = 1017;

    private const ulong MapSize = 32;
    private const ulong NodeSize = 80;
    private const uint Black = 0, Red = 1;
    private const int Left = 0, Right = 1;
    private const ulong ColorOff = 24, ParentOff = 32;

    private ObjTransaction _tx = null!;
    private PmemOid _map;

    private static ulong SlotOff(int c) => 48 + 16 * (ulong)c;

    private PmemOid S => pool.Oid(_map, 0);

    private PmemOid RootNode => pool.Oid(_map, 16);

    private ref ulong Key(PmemOid n) => ref pool.U64(n, 0);

    private ref uint Color(PmemOid n) => ref pool.U32(n, ColorOff);

    private ref PmemOid Parent(PmemOid n) => ref pool.Oid(n, ParentOff);

    private ref PmemOid Slot(PmemOid n, int c) => ref pool.Oid(n, SlotOff(c));

    private PmemOid First => Slot(RootNode, Left);

    private int Location(PmemOid n) => n == Slot(Parent(n), Right) ? Right : Left;

    private void SetColor(PmemOid n, uint color)
    {
        _tx.AddRange(n, ColorOff, 4);
        Color(n) = color;
    }

    private void SetParent(PmemOid n, PmemOid parent)
    {
        _tx.AddRange(n, ParentOff, 16);
        Parent(n) = parent;
    }

    private void SetSlot(PmemOid n, int c, PmemOid value)
    {
        _tx.AddRange(n, SlotOff(c), 16);
        Slot(n, c) = value;
    }

    /// <inheritdoc/>
    public bool HasCount => false;

    /// <inheritdoc/>
    public bool HasCommands => false;

    /// <inheritdoc/>
    public ulong Count(PmemOid map) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Rebuild(PmemOid map, ulong buckets) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Debug(PmemOid map, TextWriter output) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Init(PmemOid map)
    {
    }

    /// <inheritdoc/>
    public void Create(PmemOid root, ulong rootOffset, uint seed) => pool.Transaction(tx =>
    {
        tx.AddRange(root, rootOffset, 16);
        PmemOid map = tx.ZAllocate(MapSize, MapType);
        pool.Oid(root, rootOffset) = map;
        PmemOid s = tx.ZAllocate(NodeSize, NodeType);
        Color(s) = Black;
        Parent(s) = s;
        Slot(s, Left) = s;
        Slot(s, Right) = s;
        PmemOid r = tx.ZAllocate(NodeSize, NodeType);
        Color(r) = Black;
        Parent(r) = s;
        Slot(r, Left) = s;
        Slot(r, Right) = s;
        pool.Oid(map, 0) = s;
        pool.Oid(map, 16) = r;
    });

    private void Rotate(PmemOid node, int c)
    {
        PmemOid child = Slot(node, 1 - c);
        PmemOid s = S;
        _tx.AddRange(node, 0, NodeSize);
        _tx.AddRange(child, 0, NodeSize);
        Slot(node, 1 - c) = Slot(child, c);
        if (Slot(child, c) != s)
            SetParent(Slot(child, c), node);
        Parent(child) = Parent(node);
        SetSlot(Parent(node), Location(node), child);
        Slot(child, c) = node;
        Parent(node) = child;
    }

    private void InsertBst(PmemOid n)
    {
        PmemOid parent = RootNode;
        PmemOid holder = RootNode;
        ulong offset = SlotOff(Left);
        PmemOid s = S;
        Slot(n, Left) = s;
        Slot(n, Right) = s;
        while (pool.Oid(holder, offset) != s)
        {
            PmemOid current = pool.Oid(holder, offset);
            parent = current;
            holder = current;
            offset = SlotOff(Key(n) > Key(current) ? Right : Left);
        }
        SetParent(n, parent);
        _tx.AddRange(holder, offset, 16);
        pool.Oid(holder, offset) = n;
    }

    private PmemOid Recolor(PmemOid n, int c)
    {
        PmemOid uncle = Slot(Parent(Parent(n)), 1 - c);
        if (Color(uncle) == Red)
        {
            SetColor(uncle, Black);
            SetColor(Parent(n), Black);
            SetColor(Parent(Parent(n)), Red);
            return Parent(Parent(n));
        }
        if (n == Slot(Parent(n), 1 - c))
        {
            n = Parent(n);
            Rotate(n, c);
        }
        SetColor(Parent(n), Black);
        SetColor(Parent(Parent(n)), Red);
        Rotate(Parent(Parent(n)), 1 - c);
        return n;
    }

    /// <inheritdoc/>
    public int Insert(PmemOid map, ulong key, PmemOid value)
    {
        pool.Transaction(tx =>
        {
            _tx = tx;
            _map = map;
            PmemOid n = tx.ZAllocate(NodeSize, NodeType);
            Key(n) = key;
            pool.Oid(n, 8) = value;
            InsertBst(n);
            Color(n) = Red;
            while (Color(Parent(n)) == Red)
                n = Recolor(n, Location(Parent(n)));
            SetColor(First, Black);
        });
        return 0;
    }

    private PmemOid Successor(PmemOid n)
    {
        PmemOid dst = Slot(n, Right);
        PmemOid s = S;
        if (s != dst)
        {
            while (Slot(dst, Left) != s)
                dst = Slot(dst, Left);
        }
        else
        {
            dst = Parent(n);
            while (n == Slot(dst, Right))
            {
                n = dst;
                dst = Parent(dst);
            }
            if (dst == RootNode)
                return s;
        }
        return dst;
    }

    private PmemOid FindNode(ulong key)
    {
        PmemOid dst = First;
        PmemOid s = S;
        while (dst != s)
        {
            if (Key(dst) == key)
                return dst;
            dst = Slot(dst, key > Key(dst) ? Right : Left);
        }
        return PmemOid.Null;
    }

    private PmemOid RepairBranch(PmemOid n, int c)
    {
        PmemOid sb = Slot(Parent(n), 1 - c);
        if (Color(sb) == Red)
        {
            SetColor(sb, Black);
            SetColor(Parent(n), Red);
            Rotate(Parent(n), c);
            sb = Slot(Parent(n), 1 - c);
        }
        if (Color(Slot(sb, Right)) == Black && Color(Slot(sb, Left)) == Black)
        {
            SetColor(sb, Red);
            return Parent(n);
        }
        if (Color(Slot(sb, 1 - c)) == Black)
        {
            SetColor(Slot(sb, c), Black);
            SetColor(sb, Red);
            Rotate(sb, 1 - c);
            sb = Slot(Parent(n), 1 - c);
        }
        SetColor(sb, Color(Parent(n)));
        SetColor(Parent(n), Black);
        SetColor(Slot(sb, 1 - c), Black);
        Rotate(Parent(n), c);
        return First;
    }

    private void Repair(PmemOid n)
    {
        while (n != First && Color(n) == Black)
            n = RepairBranch(n, Location(n));
        SetColor(n, Black);
    }

    /// <inheritdoc/>
    public PmemOid Remove(PmemOid map, ulong key)
    {
        _map = map;
        PmemOid n = FindNode(key);
        if (n.IsNull)
            return PmemOid.Null;
        PmemOid ret = pool.Oid(n, 8);
        PmemOid s = S;
        PmemOid r = RootNode;
        PmemOid y = Slot(n, Left) == s || Slot(n, Right) == s ? n : Successor(n);
        PmemOid x = Slot(y, Left) == s ? Slot(y, Right) : Slot(y, Left);
        pool.Transaction(tx =>
        {
            _tx = tx;
            SetParent(x, Parent(y));
            if (Parent(x) == r)
                SetSlot(r, Left, x);
            else
                SetSlot(Parent(y), Location(y), x);
            if (Color(y) == Black)
                Repair(x);
            if (y != n)
            {
                tx.AddRange(y, 0, NodeSize);
                Slot(y, Left) = Slot(n, Left);
                Slot(y, Right) = Slot(n, Right);
                Parent(y) = Parent(n);
                Color(y) = Color(n);
                SetParent(Slot(n, Left), y);
                SetParent(Slot(n, Right), y);
                SetSlot(Parent(n), Location(n), y);
            }
            tx.Free(n);
        });
        return ret;
    }

    /// <inheritdoc/>
    public bool Lookup(PmemOid map, ulong key)
    {
        _map = map;
        return !FindNode(key).IsNull;
    }

    /// <inheritdoc/>
    public int Foreach(PmemOid map, Func<ulong, PmemOid, int> callback)
    {
        _map = map;
        return ForeachNode(First, callback);
    }

    private int ForeachNode(PmemOid p, Func<ulong, PmemOid, int> callback)
    {
        if (p == S)
            return 0;
        int ret = ForeachNode(Slot(p, Left), callback);
        if (ret == 0)
        {
            ret = callback(Key(p), pool.Oid(p, 8));
            if (ret == 0)
                ForeachNode(Slot(p, Right), callback);
        }
        return ret;
    }
}
