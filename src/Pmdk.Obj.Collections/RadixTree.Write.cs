// Radix tree changes: insert/replace and remove in a transaction (PMDK: examples/libpmemobj/tree_map/ctree_map.c insert/remove).
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Pmdk.Obj.Tx;
using Pmdk.Obj.Typed;

namespace Pmdk.Obj.Collections;

public sealed partial class RadixTree
{
    /// <summary>Inserts or replaces; returns true when the key was new.</summary>
    public bool Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (key.Length > int.MaxValue / 2 || value.Length > int.MaxValue / 2)
            throw new ArgumentOutOfRangeException(nameof(key), "key or value too large.");
        using ObjTransaction tx = _pool.BeginTransaction();
        bool added = SetCore(tx, key, value);
        tx.Commit();
        return added;
    }

    /// <summary>Inserts or replaces a UTF-8 string key with a UTF-8 string value.</summary>
    public bool Set(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        return Set(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Inserts or replaces an unmanaged value (stored as its bytes).</summary>
    public bool Set<T>(ReadOnlySpan<byte> key, T value) where T : unmanaged =>
        Set(key, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

    /// <summary>Removes a key; returns whether it was present.</summary>
    public bool Remove(ReadOnlySpan<byte> key)
    {
        ref RadixHeader hdr = ref Header;
        if (hdr.Root.IsNull)
            return false;
        // Find the leaf, its parent and the link that points at the parent.
        ref PmemOid link = ref hdr.Root;
        ref PmemOid parentLink = ref Unsafe.NullRef<PmemOid>();
        PmemOid parent = PmemOid.Null;
        int dir = 0;
        PmemOid n = hdr.Root;
        for (int depth = 0; Kind(n) == InnerKind; depth++)
        {
            if (depth > MaxDepth)
                throw new PoolCorruptedException($"radix tree {Oid} is deeper than {MaxDepth}: a cycle.", _pool.Path);
            ref RadixInner inner = ref _pool.Ref<RadixInner>(n);
            parentLink = ref link;
            parent = n;
            dir = (int)((Symbol(key, inner.Index) >> (int)inner.Bit) & 1);
            link = ref dir == 0 ? ref inner.Child0 : ref inner.Child1;
            n = link;
        }
        if (!LeafKey(n).SequenceEqual(key))
            return false;
        using ObjTransaction tx = _pool.BeginTransaction();
        if (parent.IsNull)
        {
            tx.Write(ref hdr.Root, PmemOid.Null);
        }
        else
        {
            ref RadixInner p = ref _pool.Ref<RadixInner>(parent);
            tx.Write(ref parentLink, dir == 0 ? p.Child1 : p.Child0);
            tx.Free(parent);
        }
        tx.Free(n);
        tx.Write(ref hdr.Count, hdr.Count - 1);
        tx.Commit();
        return true;
    }

    /// <summary>Removes a UTF-8 string key.</summary>
    public bool Remove(string key) => Remove(Encoding.UTF8.GetBytes(key));

    /// <summary>Frees every node and the header in <paramref name="tx"/>.</summary>
    public void Delete(ObjTransaction tx)
    {
        PersistentObject.RequireTx(tx);
        var stack = new Stack<PmemOid>();
        if (!Header.Root.IsNull)
            stack.Push(Header.Root);
        while (stack.Count > 0)
        {
            PmemOid n = stack.Pop();
            if (Kind(n) == InnerKind)
            {
                RadixInner inner = _pool.Ref<RadixInner>(n);
                stack.Push(inner.Child0);
                stack.Push(inner.Child1);
            }
            tx.Free(n);
        }
        tx.Free(Oid);
    }

    private bool SetCore(ObjTransaction tx, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ref RadixHeader hdr = ref Header;
        if (hdr.Root.IsNull)
        {
            PmemOid first = NewLeaf(tx, key, value);
            tx.Write(ref hdr.Root, first);
            tx.Write(ref hdr.Count, 1UL);
            return true;
        }
        PmemOid near = Descend(hdr.Root, key);
        ReadOnlySpan<byte> nearKey = LeafKey(near);
        // The first symbol position and bit (most significant first) where the keys differ.
        uint limit = (uint)Math.Max(key.Length, nearKey.Length) + 1;
        uint pos = 0;
        uint diff = 0;
        for (; pos < limit; pos++)
        {
            diff = Symbol(key, pos) ^ Symbol(nearKey, pos);
            if (diff != 0)
                break;
        }
        if (diff == 0)
        {
            // Same key: a new leaf replaces the old one (values may differ in length).
            ref PmemOid at = ref FindLink(key, uint.MaxValue, 0);
            PmemOid fresh = NewLeaf(tx, key, value);
            PmemOid old = at;
            tx.Write(ref at, fresh);
            tx.Free(old);
            return false;
        }
        uint bit = (uint)(31 - BitOperations.LeadingZeroCount(diff));
        int newDir = (int)((Symbol(key, pos) >> (int)bit) & 1);
        ref PmemOid link = ref FindLink(key, pos, bit);
        PmemOid leaf = NewLeaf(tx, key, value);
        PmemOid innerOid = tx.Allocate(48, HeaderTypeNumber + 1);
        ref RadixInner inner = ref _pool.Ref<RadixInner>(innerOid);
        inner.Kind = InnerKind;
        inner.Index = pos;
        inner.Bit = bit;
        inner.Child0 = newDir == 0 ? leaf : link;
        inner.Child1 = newDir == 0 ? link : leaf;
        tx.Write(ref link, innerOid);
        tx.Write(ref hdr.Count, hdr.Count + 1);
        return true;
    }

    /// <summary>
    /// The link where a node branching at (<paramref name="pos"/>, <paramref name="bit"/>) belongs: descend while
    /// the inner nodes branch earlier. With <c>uint.MaxValue</c> it reaches the key's leaf link.
    /// </summary>
    private ref PmemOid FindLink(ReadOnlySpan<byte> key, uint pos, uint bit)
    {
        ref PmemOid link = ref Header.Root;
        for (int depth = 0; Kind(link) == InnerKind; depth++)
        {
            if (depth > MaxDepth)
                throw new PoolCorruptedException($"radix tree {Oid} is deeper than {MaxDepth}: a cycle.", _pool.Path);
            ref RadixInner inner = ref _pool.Ref<RadixInner>(link);
            if (inner.Index > pos || (inner.Index == pos && inner.Bit < bit))
                break;
            link = ref ((Symbol(key, inner.Index) >> (int)inner.Bit) & 1) == 0 ? ref inner.Child0 : ref inner.Child1;
        }
        return ref link;
    }

    private PmemOid NewLeaf(ObjTransaction tx, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        PmemOid leaf = tx.Allocate((ulong)(LeafHeaderSize + key.Length + value.Length), HeaderTypeNumber + 2);
        Span<byte> s = _pool.GetSpan(leaf);
        ref RadixLeaf h = ref _pool.Ref<RadixLeaf>(leaf);
        h.Kind = LeafKind;
        h.KeyLength = (uint)key.Length;
        h.ValueLength = (uint)value.Length;
        key.CopyTo(s[LeafHeaderSize..]);
        value.CopyTo(s[(LeafHeaderSize + key.Length)..]);
        return leaf;
    }
}
