// A transactional growable array in pool memory (PMDK: libpmemobj-cpp container/vector.hpp).
using System.Collections;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pmdk.Obj.Tx;
using Pmdk.Obj.Typed;

namespace Pmdk.Obj.Collections;

/// <summary>The on-media header of a <see cref="PersistentVector{T}"/>: 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VectorHeader
{
    public ulong Count;
    public ulong Capacity;
    public PmemOid Data;
}

/// <summary>
/// A growable array of <typeparamref name="T"/> living in a pool. Every change runs in a transaction (the
/// caller's, nested, or one of its own), so an abort or a crash leaves the vector as it was. The handle is a
/// cheap view: keep <see cref="Oid"/> in the root and reopen with <see cref="Open"/>. Not thread-safe.
/// </summary>
/// <typeparam name="T">The element type (unmanaged: no references into the managed heap).</typeparam>
/// <remarks>C++: <c>pmem::obj::vector&lt;T&gt;</c></remarks>
public sealed class PersistentVector<T> : IReadOnlyList<T> where T : unmanaged
{
    private static readonly ulong ElemSize = (ulong)Unsafe.SizeOf<T>();
    private readonly ObjPool _pool;

    private PersistentVector(ObjPool pool, PmemOid oid)
    {
        _pool = pool;
        Oid = oid;
    }

    /// <summary>The type number of the vector's header object.</summary>
    public static ulong HeaderTypeNumber { get; } = TypeNumber.Of("Pmdk.PersistentVector[" + TypeNumber.StableName(typeof(T)) + "]");

    /// <summary>The header object's OID: store it (e.g. in the root) to reopen the vector.</summary>
    public PmemOid Oid { get; }

    /// <summary>The pool.</summary>
    public ObjPool Pool => _pool;

    /// <summary>Number of elements.</summary>
    public int Count => (int)Header.Count;

    /// <summary>Number of elements the storage holds before it must grow.</summary>
    public int Capacity => (int)Header.Capacity;

    private ref VectorHeader Header => ref _pool.Ref<VectorHeader>(Oid);

    /// <summary>Creates an empty vector in <paramref name="tx"/> (it exists only if the transaction commits).</summary>
    public static PersistentVector<T> Create(ObjTransaction tx, int capacity = 0)
    {
        PersistentObject.RequireTx(tx);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        PmemOid h = tx.ZAllocate((ulong)Unsafe.SizeOf<VectorHeader>(), HeaderTypeNumber);
        var v = new PersistentVector<T>(tx.Pool, h);
        if (capacity > 0)
            v.Grow(tx, (ulong)capacity);
        return v;
    }

    /// <summary>Opens the vector whose header is <paramref name="oid"/>.</summary>
    /// <exception cref="PoolCorruptedException">The object is not a vector of <typeparamref name="T"/> or its storage is inconsistent.</exception>
    public static PersistentVector<T> Open(ObjPool pool, PmemOid oid)
    {
        PersistentObject.CheckHeader(pool, oid, HeaderTypeNumber, (ulong)Unsafe.SizeOf<VectorHeader>(), "PersistentVector");
        var v = new PersistentVector<T>(pool, oid);
        ref VectorHeader h = ref v.Header;
        if (h.Count > h.Capacity || (h.Capacity > 0 && (h.Data.IsNull || pool.UsableSize(h.Data) < h.Capacity * ElemSize)))
            throw new PoolCorruptedException($"vector {oid}: count {h.Count}, capacity {h.Capacity} and storage {h.Data} disagree.", pool.Path);
        return v;
    }

    /// <summary>The element at <paramref name="index"/>; setting it snapshots the element first.</summary>
    public T this[int index]
    {
        get => ElementRef(index);
        set
        {
            ref T slot = ref ElementRef(index);
            using ObjTransaction tx = _pool.BeginTransaction();
            tx.Write(ref slot, value);
            tx.Commit();
        }
    }

    /// <summary>A read-only view of the elements (valid until the vector changes).</summary>
    public ReadOnlySpan<T> AsSpan()
    {
        ref VectorHeader h = ref Header;
        if (h.Count == 0)
            return [];
        return MemoryMarshal.Cast<byte, T>(_pool.GetSpan(h.Data))[..(int)h.Count];
    }

    /// <summary>Appends an element, growing the storage (doubling) in the transaction when full.</summary>
    public void Add(T item)
    {
        using ObjTransaction tx = _pool.BeginTransaction();
        ref VectorHeader h = ref tx.Modify(ref Header);
        if (h.Count == h.Capacity)
            Grow(tx, Math.Max(4, h.Capacity * 2));
        // The slot is past Count: a crash or an abort restores Count, so the slot needs no snapshot, only a flush at commit.
        tx.AddRange(h.Data, h.Count * ElemSize, ElemSize, TxAddFlags.NoSnapshot);
        Slot(h.Data, h.Count) = item;
        h.Count++;
        tx.Commit();
    }

    /// <summary>Appends many elements in one transaction.</summary>
    public void AddRange(ReadOnlySpan<T> items)
    {
        using ObjTransaction tx = _pool.BeginTransaction();
        ref VectorHeader h = ref tx.Modify(ref Header);
        ulong need = h.Count + (ulong)items.Length;
        if (need > h.Capacity)
            Grow(tx, Math.Max(need, h.Capacity * 2));
        if (items.IsEmpty)
        {
            tx.Commit();
            return;
        }
        tx.AddRange(h.Data, h.Count * ElemSize, (ulong)items.Length * ElemSize, TxAddFlags.NoSnapshot);
        items.CopyTo(MemoryMarshal.Cast<byte, T>(_pool.GetSpan(h.Data))[(int)h.Count..]);
        h.Count = need;
        tx.Commit();
    }

    /// <summary>Removes the element at <paramref name="index"/>, shifting the later ones down.</summary>
    public void RemoveAt(int index)
    {
        ref VectorHeader hr = ref Header;
        if ((uint)index >= hr.Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is outside [0, {hr.Count}).");
        using ObjTransaction tx = _pool.BeginTransaction();
        ref VectorHeader h = ref tx.Modify(ref hr);
        int n = (int)h.Count;
        Span<T> all = MemoryMarshal.Cast<byte, T>(_pool.GetSpan(h.Data))[..n];
        if (index < n - 1)
        {
            tx.AddRange(h.Data, (ulong)index * ElemSize, (ulong)(n - 1 - index) * ElemSize);
            all[(index + 1)..].CopyTo(all[index..]);
        }
        h.Count--;
        tx.Commit();
    }

    /// <summary>Removes every element (the storage is kept).</summary>
    public void Clear()
    {
        using ObjTransaction tx = _pool.BeginTransaction();
        tx.Write(ref Header.Count, 0UL);
        tx.Commit();
    }

    /// <summary>Makes room for at least <paramref name="capacity"/> elements.</summary>
    public void Reserve(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        if ((ulong)capacity <= Header.Capacity)
            return;
        using ObjTransaction tx = _pool.BeginTransaction();
        Grow(tx, (ulong)capacity);
        tx.Commit();
    }

    /// <summary>Frees the storage and the header in <paramref name="tx"/>; the handle is unusable afterwards.</summary>
    public void Delete(ObjTransaction tx)
    {
        PersistentObject.RequireTx(tx);
        tx.Free(Header.Data);
        tx.Free(Oid);
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
            yield return ElementRef(i);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void Grow(ObjTransaction tx, ulong capacity)
    {
        ref VectorHeader h = ref tx.Modify(ref Header);
        h.Data = tx.Reallocate(h.Data, capacity * ElemSize, HeaderTypeNumber + 1);
        h.Capacity = capacity;
    }

    private ref T ElementRef(int index)
    {
        ref VectorHeader h = ref Header;
        if ((uint)index >= h.Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is outside [0, {h.Count}).");
        return ref Slot(h.Data, (ulong)index);
    }

    private ref T Slot(PmemOid data, ulong index) => ref _pool.Ref<T>(data, index * ElemSize);
}
