// A transactional sorted radix (crit-bit) tree of byte keys in pool memory (PMDK: libpmemobj-cpp container/radix_tree.hpp; examples/libpmemobj/tree_map/ctree_map.c).
using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using Pmdk.Obj.Tx;
using Pmdk.Obj.Typed;

namespace Pmdk.Obj.Collections;

/// <summary>The tree's header: root link and entry count.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RadixHeader
{
    public PmemOid Root;
    public ulong Count;
}

/// <summary>An inner node: the symbol position and bit where its two subtrees first differ.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RadixInner
{
    public ulong Kind;
    public uint Index;
    public uint Bit;
    public PmemOid Child0;
    public PmemOid Child1;
}

/// <summary>A leaf header, followed by the key bytes then the value bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RadixLeaf
{
    public ulong Kind;
    public uint KeyLength;
    public uint ValueLength;
}

/// <summary>
/// A sorted map from byte keys to byte values in a pool: a binary radix (crit-bit) tree whose inner nodes
/// branch on the first bit where keys differ, so in-order traversal is lexicographic byte order (a key sorts
/// before its extensions). Every change is transactional; reopen with <see cref="Open"/>. Not thread-safe: guard
/// it with a lock when sharing it.
/// </summary>
/// <remarks>C++: <c>pmem::obj::experimental::radix_tree</c></remarks>
public sealed partial class RadixTree : IEnumerable<KeyValuePair<byte[], byte[]>>
{
    private const ulong InnerKind = 0x52_41_44_49_4e_4e_45_52; // "RADINNER"
    private const ulong LeafKind = 0x52_41_44_49_4c_45_41_46;  // "RADILEAF"
    private const int LeafHeaderSize = 16;
    private const int MaxDepth = 1 << 20;
    private readonly ObjPool _pool;

    private RadixTree(ObjPool pool, PmemOid oid)
    {
        _pool = pool;
        Oid = oid;
    }

    /// <summary>The type number of the tree's header object (nodes use the next two numbers).</summary>
    public static ulong HeaderTypeNumber { get; } = TypeNumber.Of("Pmdk.RadixTree");

    /// <summary>The header object's OID.</summary>
    public PmemOid Oid { get; }

    /// <summary>Number of keys.</summary>
    public long Count => (long)Header.Count;

    private ref RadixHeader Header => ref _pool.Ref<RadixHeader>(Oid);

    /// <summary>Creates an empty tree in <paramref name="tx"/>.</summary>
    public static RadixTree Create(ObjTransaction tx)
    {
        PersistentObject.RequireTx(tx);
        return new RadixTree(tx.Pool, tx.ZAllocate(32, HeaderTypeNumber));
    }

    /// <summary>Opens the tree whose header is <paramref name="oid"/>.</summary>
    public static RadixTree Open(ObjPool pool, PmemOid oid)
    {
        PersistentObject.CheckHeader(pool, oid, HeaderTypeNumber, 32, "RadixTree");
        return new RadixTree(pool, oid);
    }

    /// <summary>Looks a key up; the value span is valid until the tree changes.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        value = default;
        PmemOid root = Header.Root;
        if (root.IsNull)
            return false;
        PmemOid leaf = Descend(root, key);
        if (!LeafKey(leaf).SequenceEqual(key))
            return false;
        value = LeafValue(leaf);
        return true;
    }

    /// <summary>The value of <paramref name="key"/> as a copy, or null.</summary>
    public byte[]? Get(ReadOnlySpan<byte> key) => TryGet(key, out ReadOnlySpan<byte> v) ? v.ToArray() : null;

    /// <summary>The value of a UTF-8 string key as a string, or null.</summary>
    public string? Get(string key) => TryGet(Encoding.UTF8.GetBytes(key), out ReadOnlySpan<byte> v) ? Encoding.UTF8.GetString(v) : null;

    /// <summary>Reads an unmanaged value stored by <see cref="Set{T}(ReadOnlySpan{byte}, T)"/>.</summary>
    public bool TryGet<T>(ReadOnlySpan<byte> key, out T value) where T : unmanaged
    {
        value = default;
        if (!TryGet(key, out ReadOnlySpan<byte> v) || v.Length != System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
            return false;
        value = MemoryMarshal.Read<T>(v);
        return true;
    }

    /// <summary>Whether the key is present.</summary>
    public bool ContainsKey(ReadOnlySpan<byte> key) => TryGet(key, out _);

    /// <summary>All entries in key order (copies).</summary>
    public IEnumerator<KeyValuePair<byte[], byte[]>> GetEnumerator() => GetBetween(null, null).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The entries with <paramref name="low"/> ≤ key &lt; <paramref name="high"/> in key order (a null bound is open).
    /// The walk seeks to <paramref name="low"/> (skipping the subtrees before it) and stops at <paramref name="high"/>.
    /// The tree must not change during the enumeration.
    /// </summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> GetBetween(byte[]? low, byte[]? high)
    {
        Stack<PmemOid> stack = SeekStack(low);
        while (stack.Count > 0)
        {
            PmemOid n = stack.Pop();
            if (Kind(n) == InnerKind)
            {
                RadixInner inner = _pool.Ref<RadixInner>(n);
                stack.Push(inner.Child1);
                stack.Push(inner.Child0);
                continue;
            }
            byte[] key = LeafKey(n).ToArray();
            if (low is not null && key.AsSpan().SequenceCompareTo(low) < 0)
                continue;
            if (high is not null && key.AsSpan().SequenceCompareTo(high) >= 0)
                yield break;
            yield return new(key, LeafValue(n).ToArray());
        }
    }

    /// <summary>
    /// The in-order traversal stack positioned at the first key ≥ <paramref name="low"/>: the subtrees still to
    /// visit, nearest on top. Keys below the crit-bit where <paramref name="low"/> leaves the tree are never visited.
    /// </summary>
    private Stack<PmemOid> SeekStack(byte[]? low)
    {
        var stack = new Stack<PmemOid>();
        PmemOid root = Header.Root;
        if (root.IsNull)
            return stack;
        if (low is null)
        {
            stack.Push(root);
            return stack;
        }
        ReadOnlySpan<byte> near = LeafKey(Descend(root, low));
        uint limit = (uint)Math.Max(low.Length, near.Length) + 1;
        uint pos = uint.MaxValue, bit = 0;
        for (uint i = 0; i < limit; i++)
        {
            uint diff = Symbol(low, i) ^ Symbol(near, i);
            if (diff != 0)
            {
                pos = i;
                bit = (uint)(31 - System.Numerics.BitOperations.LeadingZeroCount(diff));
                break;
            }
        }
        // Descend as an insertion of low would, remembering the right siblings passed on the left.
        PmemOid n = root;
        for (int depth = 0; Kind(n) == InnerKind; depth++)
        {
            if (depth > MaxDepth)
                throw new PoolCorruptedException($"radix tree {Oid} is deeper than {MaxDepth}: a cycle.", _pool.Path);
            RadixInner inner = _pool.Ref<RadixInner>(n);
            if (inner.Index > pos || (inner.Index == pos && inner.Bit < bit))
                break;
            if (((Symbol(low, inner.Index) >> (int)inner.Bit) & 1) == 0)
            {
                stack.Push(inner.Child1);
                n = inner.Child0;
            }
            else
            {
                n = inner.Child1;
            }
        }
        // n's subtree shares its keys' prefix up to the crit-bit: it is all ≥ low when low has a 0 there (or low
        // is one of its keys), else all < low and skipped.
        if (pos == uint.MaxValue || ((Symbol(low, pos) >> (int)bit) & 1) == 0)
            stack.Push(n);
        return stack;
    }

    /// <summary>The symbol at position <paramref name="i"/>: 0 past the end, else the byte + 1 (9 bits).</summary>
    private static uint Symbol(ReadOnlySpan<byte> key, uint i) => i < (uint)key.Length ? key[(int)i] + 1u : 0u;

    private ulong Kind(PmemOid n)
    {
        ulong k = _pool.Ref<ulong>(n);
        if (k != InnerKind && k != LeafKind)
            throw new PoolCorruptedException($"radix tree {Oid}: node {n} has kind 0x{k:x16}.", _pool.Path);
        return k;
    }

    /// <summary>Follows the key's bits from <paramref name="n"/> to a leaf (the only candidate for it).</summary>
    private PmemOid Descend(PmemOid n, ReadOnlySpan<byte> key)
    {
        for (int depth = 0; Kind(n) == InnerKind; depth++)
        {
            if (depth > MaxDepth)
                throw new PoolCorruptedException($"radix tree {Oid} is deeper than {MaxDepth}: a cycle.", _pool.Path);
            ref RadixInner inner = ref _pool.Ref<RadixInner>(n);
            n = ((Symbol(key, inner.Index) >> (int)inner.Bit) & 1) == 0 ? inner.Child0 : inner.Child1;
        }
        return n;
    }

    private ReadOnlySpan<byte> LeafKey(PmemOid leaf)
    {
        RadixLeaf h = _pool.Ref<RadixLeaf>(leaf);
        return _pool.GetSpan(leaf).Slice(LeafHeaderSize, (int)h.KeyLength);
    }

    private ReadOnlySpan<byte> LeafValue(PmemOid leaf)
    {
        RadixLeaf h = _pool.Ref<RadixLeaf>(leaf);
        return _pool.GetSpan(leaf).Slice(LeafHeaderSize + (int)h.KeyLength, (int)h.ValueLength);
    }
}
