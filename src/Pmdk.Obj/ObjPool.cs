// An open obj pool: state, accessors and close (PMDK: libpmemobj/obj.c struct pmemobjpool, pmemobj_close, pmemobj_direct).
using System.Runtime.CompilerServices;
using System.Text;
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;
using Pmdk.Pmem.Persistence;
using Pmdk.Pool;

namespace Pmdk.Obj;

/// <summary>
/// A persistent object pool (libpmemobj), on-media compatible with PMDK 1.12.1: create or open it, allocate and
/// free objects atomically, reach them through <see cref="PmemOid"/>s. Thread-safe.
/// </summary>
public sealed unsafe partial class ObjPool : IDisposable
{
    private readonly PoolReplica[] _replicas;
    private readonly ObjMemory _pool;
    private readonly PAllocator _alloc;
    private readonly LaneSet _lanes;
    private readonly ulong _heapStart;
    private readonly ulong _heapEnd;
    private readonly ulong _uuidLo;
    private bool _disposed;

    private ObjPool(PoolReplica[] replicas, ObjMemory pool, ulong uuidLo)
    {
        _replicas = replicas;
        _pool = pool;
        ref PoolDescriptor d = ref pool.Ref<PoolDescriptor>(PoolDescriptor.PoolOffset);
        ref PoolDescriptorRuntime rt = ref pool.Ref<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset);
        _lanes = new LaneSet(pool, d.LanesOffset, (int)Math.Min(d.LaneCount, LaneLayout.DefaultLaneCount));
        var heap = new Heap.Heap(pool, d.HeapOffset, rt.HeapSize, new AllocationClassCollection());
        _alloc = new PAllocator(heap, _lanes, uuidLo);
        _heapStart = heap.HeapOffset;
        _heapEnd = Math.Min(heap.HeapEnd, pool.Size);   // never past the mapping, whatever the descriptor says
        _uuidLo = uuidLo;
    }

    /// <summary>The pool file, or the PMEMPOOLSET file.</summary>
    public string Path => _pool.Path;

    /// <summary>Number of replicas (1 without a pool set or with a set of one replica).</summary>
    public int ReplicaCount => _replicas.Length;

    /// <summary>The part files of every replica, master first.</summary>
    public IReadOnlyList<string> PartPaths => [.. _replicas.SelectMany(r => r.PartPaths)];

    /// <summary>The pool size: the usable size of the smallest replica (a single file: its size rounded down to 4 KiB).</summary>
    public ulong Size => _pool.Size;

    /// <summary>The pool's 64-bit identity carried by every <see cref="PmemOid"/> (derived from the poolset UUID).</summary>
    public ulong UuidLo => _alloc.UuidLo;

    /// <summary>The layout name stored in the pool ("" when created without one).</summary>
    public string Layout
    {
        get
        {
            ReadOnlySpan<byte> l = _pool.Ref<PoolDescriptor>(PoolDescriptor.PoolOffset).Layout;
            int n = l.IndexOf((byte)0);
            return Encoding.UTF8.GetString(n < 0 ? l : l[..n]);
        }
    }

    /// <summary>The current run id (even; +2 at every open).</summary>
    public ulong RunId => _pool.Ref<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset).RunId;

    /// <summary>Offset of the heap.</summary>
    public ulong HeapOffset => _alloc.Heap.HeapOffset;

    /// <summary>Size of the heap.</summary>
    public ulong HeapSize => _alloc.Heap.HeapSize;

    /// <summary>Whether every mapping is persistent memory (or forced so).</summary>
    public bool IsPmem => Array.TrueForAll(_replicas, r => r.IsPmem);

    /// <summary>
    /// The pool's persistence, over logical pool offsets: spans the parts of the master and mirrors into the
    /// replicas. Use it (or <see cref="Persist(PmemOid, ulong, ulong)"/>) to make stores to objects durable.
    /// </summary>
    public IPersistence Persistence => _pool.Persistence;

    /// <summary>Heap statistics. C: <c>pmemobj_ctl_get("stats.heap.*")</c>.</summary>
    public ObjHeapStatistics Statistics
    {
        get
        {
            lock (_alloc.SyncRoot)
            {
                _alloc.Heap.EnsureBooted();
                return new ObjHeapStatistics(_alloc.CurrAllocated, _alloc.Heap.RunAllocated, _alloc.Heap.RunActive);
            }
        }
    }

    /// <summary>The usable bytes of an object, bounds-checked against its allocation. C: <c>pmemobj_direct</c> + <c>pmemobj_alloc_usable_size</c>.</summary>
    public Span<byte> GetSpan(PmemOid oid)
    {
        ulong usable = UsableSize(oid);
        return _pool.Span(oid.Offset, (int)Math.Min(usable, int.MaxValue));
    }

    /// <summary>
    /// <paramref name="length"/> bytes from <paramref name="offset"/> bytes into the object, checked against the heap
    /// rather than the object (PMDK code such as mapcli's btree reads past an object into the heap, as C may).
    /// </summary>
    public Span<byte> GetSpan(PmemOid oid, ulong offset, int length)
    {
        CheckOid(oid);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ulong at = oid.Offset + offset;
        if (offset > HeapSize || at + (ulong)length > _alloc.Heap.HeapEnd)
            throw new ArgumentOutOfRangeException(nameof(length), $"[{offset}, +{length}) of object 0x{oid.Offset:x} lies outside the heap.");
        return _pool.Span(at, length);
    }

    /// <summary>A reference to a <typeparamref name="T"/> at the start of the object (must fit the heap).</summary>
    /// <remarks>C: <c>pmemobj_direct</c></remarks>
    public ref T Ref<T>(PmemOid oid) where T : unmanaged => ref Ref<T>(oid, 0);

    /// <summary>A reference to a <typeparamref name="T"/> at <paramref name="offset"/> bytes into the object.</summary>
    public ref T Ref<T>(PmemOid oid, ulong offset) where T : unmanaged
    {
        // One pass over every check (hot: collections dereference through here); the slow path says which failed.
        // Both terms of `at` are below the heap end, so the sum cannot wrap.
        ulong at = oid.Offset + offset;
        if (_disposed || oid.Offset < _heapStart || oid.Offset >= _heapEnd || offset > _heapEnd || at + (ulong)sizeof(T) > _heapEnd
            || (oid.PoolUuidLo != _uuidLo && oid.PoolUuidLo != 0))
            ThrowBadReference(oid, offset, (ulong)sizeof(T));
        return ref Unsafe.AsRef<T>(_pool.Base + at);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowBadReference(PmemOid oid, ulong offset, ulong length)
    {
        CheckOid(oid);
        throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, +{length}) of object 0x{oid.Offset:x} lies outside the heap.");
    }

    /// <summary>The address of an object's data (valid until the pool is disposed). C: <c>pmemobj_direct</c>.</summary>
    public nint DangerousGetPointer(PmemOid oid)
    {
        if (oid.IsNull)
            return 0;
        CheckOid(oid);
        return (nint)(_pool.Base + oid.Offset);
    }

    /// <summary>Flushes and drains a range of an object. C: <c>pmemobj_persist</c>.</summary>
    public void Persist(PmemOid oid, ulong offset, ulong length)
    {
        CheckOid(oid);
        _pool.CheckRange(oid.Offset + offset, length, "persist range");
        _pool.Persist(oid.Offset + offset, length);
    }

    /// <summary>Flushes and drains a range given by pool offset. C: <c>pmemobj_persist</c>.</summary>
    public void Persist(ulong poolOffset, ulong length)
    {
        _pool.CheckRange(poolOffset, length, "persist range");
        _pool.Persist(poolOffset, length);
    }

    /// <summary>The pool offset of a reference into the pool, or null when it points elsewhere (DRAM).</summary>
    public ulong? OffsetOf<T>(ref T value) where T : unmanaged
    {
        byte* p = (byte*)Unsafe.AsPointer(ref value);
        if (p < _pool.Base || p >= _pool.Base + _pool.Size)
            return null;
        return (ulong)(p - _pool.Base);
    }

    private void CheckOid(PmemOid oid)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (oid.IsNull)
            throw new ArgumentException("the OID is null.", nameof(oid));
        if (oid.PoolUuidLo != UuidLo && oid.PoolUuidLo != 0)
            throw new ArgumentException($"the OID belongs to another pool (uuid_lo 0x{oid.PoolUuidLo:x16}, this pool 0x{UuidLo:x16}).", nameof(oid));
        if (oid.Offset < HeapOffset || oid.Offset >= _alloc.Heap.HeapEnd)
            throw new ArgumentException($"OID offset 0x{oid.Offset:x} is outside the heap.", nameof(oid));
    }

    /// <summary>Closes the pool: marks the shutdown state clean and unmaps. C: <c>pmemobj_close</c>.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        lock (_alloc.SyncRoot)
        {
            _disposed = true;
            // Each replica marks its own shutdown state clean, then unmaps and unlocks its parts.
            for (int i = _replicas.Length - 1; i >= 0; i--)
                _replicas[i].Dispose();
        }
    }
}
