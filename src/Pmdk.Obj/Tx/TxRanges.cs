// The ranges a transaction covers, kept sorted and merged so that no byte is snapshotted twice (PMDK: libpmemobj/tx.c pmemobj_tx_add_common over a ravl of tx_range_def).
namespace Pmdk.Obj.Tx;

/// <summary>A covered range: snapshotted, allocated in the transaction, or added without snapshot.</summary>
internal struct TxRange
{
    public ulong Offset;
    public ulong Size;
    public TxAddFlags Flags;

    public readonly ulong End => Offset + Size;
}

/// <summary>
/// Non-overlapping ranges ordered by offset: a treap (binary search tree by offset, heap by a random priority)
/// whose nodes live densely in a reused array, so that search, insertion and removal are O(log n) expected
/// (PMDK uses a ravl tree; a sorted array with shifting made a 100 000-range transaction quadratic) and a
/// warm context allocates nothing. A node is addressed by its index in [0, <see cref="Count"/>); removing a
/// node moves the last one into its slot (see <see cref="RemoveAt"/>).
/// </summary>
internal sealed class TxRanges
{
    private const int None = -1;

    private struct Node
    {
        public TxRange Range;
        public int Left;
        public int Right;
        public int Parent;
        public uint Priority;
    }

    private Node[] _nodes = new Node[16];
    private int _count;
    private int _root = None;
    private uint _seed = 0x9E3779B9;

    public int Count => _count;

    /// <summary>The range of node <paramref name="index"/> (any order; use <see cref="FindBelow"/> to navigate).</summary>
    public ref TxRange this[int index] => ref _nodes[index].Range;

    public void Clear()
    {
        _count = 0;
        _root = None;
    }

    /// <summary>The node of the greatest offset &lt; (or &lt;= when <paramref name="orEqual"/>) <paramref name="offset"/>; -1 if none.</summary>
    public int FindBelow(ulong offset, bool orEqual)
    {
        Node[] nodes = _nodes;
        int cur = _root, found = None;
        while (cur != None)
        {
            ref Node n = ref nodes[cur];
            ulong o = n.Range.Offset;
            if (o < offset || (orEqual && o == offset))
            {
                found = cur;
                cur = n.Right;
            }
            else
            {
                cur = n.Left;
            }
        }
        return found;
    }

    /// <summary>The node starting exactly at <paramref name="offset"/>, or -1.</summary>
    public int FindExact(ulong offset)
    {
        int i = FindBelow(offset, orEqual: true);
        return i != None && _nodes[i].Range.Offset == offset ? i : None;
    }

    /// <summary>Inserts a range at its sorted position (a range at the same offset is widened instead).</summary>
    public void Insert(ulong offset, ulong size, TxAddFlags flags)
    {
        int parent = None;
        bool left = false;
        int cur = _root;
        while (cur != None)
        {
            ref Node n = ref _nodes[cur];
            if (n.Range.Offset == offset)
            {
                n.Range.Size = Math.Max(n.Range.Size, size);
                return;
            }
            parent = cur;
            left = offset < n.Range.Offset;
            cur = left ? n.Left : n.Right;
        }
        if (_count == _nodes.Length)
            Array.Resize(ref _nodes, _nodes.Length * 2);
        int x = _count++;
        _seed ^= _seed << 13;
        _seed ^= _seed >> 17;
        _seed ^= _seed << 5;
        _nodes[x] = new Node
        {
            Range = new TxRange { Offset = offset, Size = size, Flags = flags },
            Left = None,
            Right = None,
            Parent = parent,
            Priority = _seed,
        };
        if (parent == None)
            _root = x;
        else if (left)
            _nodes[parent].Left = x;
        else
            _nodes[parent].Right = x;
        while (_nodes[x].Parent != None && _nodes[_nodes[x].Parent].Priority < _nodes[x].Priority)
            RotateUp(x);
    }

    /// <summary>
    /// Removes node <paramref name="index"/>. The last node (index <c>Count</c> after the call) moves into the
    /// freed slot; the return value is that node's old index (so a caller holding it must switch to
    /// <paramref name="index"/>), or -1 when no node moved.
    /// </summary>
    public int RemoveAt(int index)
    {
        Node[] nodes = _nodes;
        // Rotate the node down until it has at most one child, then splice it out.
        while (nodes[index].Left != None && nodes[index].Right != None)
        {
            int l = nodes[index].Left, r = nodes[index].Right;
            RotateUp(nodes[l].Priority > nodes[r].Priority ? l : r);
        }
        int child = nodes[index].Left != None ? nodes[index].Left : nodes[index].Right;
        int parent = nodes[index].Parent;
        if (child != None)
            nodes[child].Parent = parent;
        ReplaceChild(parent, index, child);

        int last = --_count;
        if (last == index)
            return None;
        // Move the last node into the freed slot and repoint its neighbours.
        nodes[index] = nodes[last];
        ref Node moved = ref nodes[index];
        ReplaceChild(moved.Parent, last, index);
        if (moved.Left != None)
            nodes[moved.Left].Parent = index;
        if (moved.Right != None)
            nodes[moved.Right].Parent = index;
        return last;
    }

    /// <summary>Makes <paramref name="to"/> the child of <paramref name="parent"/> where <paramref name="from"/> was (the root when parent is -1).</summary>
    private void ReplaceChild(int parent, int from, int to)
    {
        if (parent == None)
            _root = to;
        else if (_nodes[parent].Left == from)
            _nodes[parent].Left = to;
        else
            _nodes[parent].Right = to;
    }

    /// <summary>Rotates <paramref name="x"/> above its parent, keeping the search order.</summary>
    private void RotateUp(int x)
    {
        Node[] nodes = _nodes;
        int p = nodes[x].Parent;
        int g = nodes[p].Parent;
        if (nodes[p].Left == x)
        {
            int b = nodes[x].Right;
            nodes[p].Left = b;
            if (b != None)
                nodes[b].Parent = p;
            nodes[x].Right = p;
        }
        else
        {
            int b = nodes[x].Left;
            nodes[p].Right = b;
            if (b != None)
                nodes[b].Parent = p;
            nodes[x].Left = p;
        }
        nodes[p].Parent = x;
        nodes[x].Parent = g;
        ReplaceChild(g, p, x);
    }
}
