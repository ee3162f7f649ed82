// Allocation with flags: from a registered allocation class, in a chosen arena, zeroed (PMDK: libpmemobj/obj.c pmemobj_xalloc, pmemobj_xreserve).
using Pmdk.Obj.Actions;
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Heap;

namespace Pmdk.Obj;

public sealed partial class ObjPool
{
    private const ObjAllocFlags XAllocValidFlags = ObjAllocFlags.Zero | ObjAllocFlags.ClassMask;
    private const ObjAllocFlags XReserveValidFlags = ObjAllocFlags.Zero | ObjAllocFlags.ClassMask | ObjAllocFlags.ArenaMask;

    /// <summary>The flag selecting allocation class <paramref name="id"/> (0 = best fit). C: <c>POBJ_CLASS_ID</c>.</summary>
    public static ObjAllocFlags ClassId(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(id, ushort.MaxValue);
        return (ObjAllocFlags)((ulong)id << 48);
    }

    /// <summary>The flag selecting arena <paramref name="id"/> (1-based; 0 = the thread's arena). C: <c>POBJ_ARENA_ID</c>.</summary>
    public static ObjAllocFlags ArenaId(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(id, ushort.MaxValue);
        return (ObjAllocFlags)((ulong)id << 32);
    }

    /// <summary>
    /// Allocates an object with flags: <see cref="ObjAllocFlags.Zero"/> and a class id (<see cref="ClassId"/>) of a
    /// class registered through ctl <c>heap.alloc_class.*.desc</c>. The object is published atomically.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown flags.</exception>
    /// <exception cref="PmemException">The class id is not registered, or one object of the class cannot hold <paramref name="size"/> bytes.</exception>
    /// <exception cref="PoolFullException">No space.</exception>
    /// <remarks>C: <c>pmemobj_xalloc</c></remarks>
    public PmemOid XAllocate(ulong size, ulong typeNumber, ObjAllocFlags flags, ObjectConstructor? constructor = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckSize(size);
        if ((flags & ~XAllocValidFlags) != 0)
            throw new ArgumentException($"unknown flags 0x{(ulong)(flags & ~XAllocValidFlags):x}.", nameof(flags));
        AllocationClass? cls = ClassOf(flags, size);
        PAllocator.ExtraSets none = default;
        bool zero = (flags & ObjAllocFlags.Zero) != 0;
        ulong off;
        if (constructor is not null)
        {
            var init = new ConstructorInit(constructor, zero);
            off = _alloc.Operate(0, size, typeNumber, 0, ref init, 0, in none, cls);
        }
        else if (zero)
        {
            var z = default(ZeroInit);
            off = _alloc.Operate(0, size, typeNumber, 0, ref z, 0, in none, cls);
        }
        else
        {
            var n = default(NoInit);
            off = _alloc.Operate(0, size, typeNumber, 0, ref n, 0, in none, cls);
        }
        return Oid(off);
    }

    /// <summary>
    /// Reserves an object with flags: zeroed, from a class id, in an arena (<see cref="ArenaId"/>); it exists once
    /// published. C: <c>pmemobj_xreserve</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown flags.</exception>
    /// <exception cref="PmemException">The class or arena id does not exist, or the class cannot hold <paramref name="size"/> bytes.</exception>
    public ObjAction XReserve(ulong size, ulong typeNumber, ObjAllocFlags flags)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckSize(size);
        if ((flags & ~XReserveValidFlags) != 0)
            throw new ArgumentException($"unknown flags 0x{(ulong)(flags & ~XReserveValidFlags):x}.", nameof(flags));
        AllocationClass? cls = ClassOf(flags, size);
        int arenaId = (int)(((ulong)flags >> 32) & 0xFFFF);
        Arena? arena = arenaId == 0 ? null : _alloc.ArenaForId(arenaId);
        HeapAction act;
        if ((flags & ObjAllocFlags.Zero) != 0)
        {
            var z = default(ZeroInit);
            _alloc.Reserve(size, typeNumber, 0, ref z, out act, cls, arena);
        }
        else
        {
            var n = default(NoInit);
            _alloc.Reserve(size, typeNumber, 0, ref n, out act, cls, arena);
        }
        return new ObjAction(in act);
    }

    /// <summary>The class a flag word names (null: best fit).</summary>
    private AllocationClass? ClassOf(ObjAllocFlags flags, ulong size)
    {
        int classId = (int)((ulong)flags >> 48);
        return classId == 0 ? null : _alloc.ClassForId(classId, size);
    }

    /// <summary>The class for <paramref name="classId"/> and <paramref name="size"/> (transactions use it).</summary>
    internal AllocationClass ClassForId(int classId, ulong size) => _alloc.ClassForId(classId, size);
}
