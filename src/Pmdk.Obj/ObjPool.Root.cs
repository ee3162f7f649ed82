// The root object and object iteration (PMDK: libpmemobj/obj.c pmemobj_root, pmemobj_root_size, pmemobj_first, pmemobj_next).
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Heap;

namespace Pmdk.Obj;

public sealed partial class ObjPool
{
    /// <summary>
    /// The root as last made or grown under the lock: requests it already satisfies skip the lock (the root only grows,
    /// and only through <see cref="Root(ulong)"/>, so a placement once seen stays valid until a larger request).
    /// </summary>
    private RootPlacement? _rootSeen;

    /// <summary>The size requested for the root object (0 = none). C: <c>pmemobj_root_size</c>.</summary>
    public ulong RootSize => _pool.Ref<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset).RootSize;

    /// <summary>
    /// The root object, allocated (zeroed) on first use or grown when <paramref name="size"/> exceeds its size;
    /// growing moves it, copying the old contents, atomically (spec §6.2).
    /// </summary>
    /// <remarks>C: <c>pmemobj_root</c></remarks>
    public PmemOid Root(ulong size)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _rootSeen) is { } seen && size <= seen.Size)
            return Oid(seen.Offset);
        if (size == 0 && RootSize == 0)
            throw new ArgumentOutOfRangeException(nameof(size), "the pool has no root object; give a size to create it.");
        if (size > MaxAllocSize)
            throw new ArgumentOutOfRangeException(nameof(size), $"size {size} exceeds {MaxAllocSize}.");
        lock (_alloc.SyncRoot)
        {
            ref PoolDescriptorRuntime rt = ref _pool.Ref<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset);
            if (size > rt.RootSize)
            {
                ulong oldOff = rt.RootOffset;
                ulong oldUsable = 0;
                if (oldOff != 0)
                {
                    MemoryBlock m = _alloc.Heap.Resolve(oldOff);
                    oldUsable = m.UsableSize;
                }
                var copy = new CopyInit(oldOff, oldUsable, zeroTail: true);
                var extra = new PAllocator.ExtraSets
                {
                    Field1 = PoolDescriptorRuntime.RootSizeField,
                    Value1 = size,
                    Field2 = PoolDescriptorRuntime.RootOffsetField,
                    NewOffsetInValue2 = true,
                };
                _alloc.Operate(oldOff, size, 0, AllocationHeader.FlagInternal, ref copy, 0, in extra);
            }
            Volatile.Write(ref _rootSeen, new RootPlacement(rt.RootOffset, rt.RootSize));
            return Oid(rt.RootOffset);
        }
    }

    /// <summary>The root object if it exists, else null.</summary>
    public PmemOid RootOrNull => RootSize == 0 ? PmemOid.Null : Oid(_pool.Ref<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset).RootOffset);

    /// <summary>The first object in walk order (internal objects such as the root excluded). C: <c>pmemobj_first</c>.</summary>
    public PmemOid First()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_alloc.SyncRoot)
            return Oid(_alloc.Heap.NextObject(0, out _));
    }

    /// <summary>The object after <paramref name="oid"/> in walk order, or null. C: <c>pmemobj_next</c>.</summary>
    public PmemOid Next(PmemOid oid)
    {
        if (oid.IsNull)
            return PmemOid.Null;
        CheckOid(oid);
        lock (_alloc.SyncRoot)
            return Oid(_alloc.Heap.NextObject(oid.Offset, out _));
    }

    /// <summary>The first object of type <paramref name="typeNumber"/>. C: <c>POBJ_FIRST_TYPE_NUM</c>.</summary>
    public PmemOid First(ulong typeNumber) => SkipToType(First(), typeNumber);

    /// <summary>The next object of type <paramref name="typeNumber"/>. C: <c>POBJ_NEXT_TYPE_NUM</c>.</summary>
    public PmemOid Next(PmemOid oid, ulong typeNumber) => SkipToType(Next(oid), typeNumber);

    /// <summary>All objects in walk order, optionally of one type. C: <c>POBJ_FOREACH</c>, <c>POBJ_FOREACH_TYPE</c>.</summary>
    public IEnumerable<PmemOid> Objects(ulong? typeNumber = null)
    {
        PmemOid o = typeNumber is { } t ? First(t) : First();
        while (!o.IsNull)
        {
            yield return o;
            o = typeNumber is { } t2 ? Next(o, t2) : Next(o);
        }
    }

    private PmemOid SkipToType(PmemOid o, ulong typeNumber)
    {
        lock (_alloc.SyncRoot)
        {
            while (!o.IsNull)
            {
                ulong off = o.Offset;
                if (_alloc.Heap.Resolve(off, requireAllocated: false).TypeNum == typeNumber)
                    return o;
                o = Oid(_alloc.Heap.NextObject(off, out _));
            }
            return o;
        }
    }

    private sealed record RootPlacement(ulong Offset, ulong Size);
}
