// Flags of pmemobj_xalloc / pmemobj_xreserve: zeroing, allocation class id and arena id (PMDK: include/libpmemobj/base.h POBJ_XALLOC_*, POBJ_CLASS_ID, POBJ_ARENA_ID).
namespace Pmdk.Obj;

/// <summary>
/// Flags of <see cref="ObjPool.XAllocate"/> and <see cref="ObjPool.XReserve"/>. Values are C's: a class id sits in
/// bits 48–63 (<see cref="ObjPool.ClassId"/>), an arena id in bits 32–47 (<see cref="ObjPool.ArenaId"/>).
/// </summary>
[Flags]
#pragma warning disable CA1711 // mirrors C's POBJ_XALLOC_* flag set
public enum ObjAllocFlags : ulong
#pragma warning restore CA1711
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Zero the object. C: <c>POBJ_XALLOC_ZERO</c>.</summary>
    Zero = 1 << 0,

    /// <summary>The arena id bits. C: <c>POBJ_XALLOC_ARENA_MASK</c>.</summary>
    ArenaMask = 0xFFFFUL << 32,

    /// <summary>The class id bits. C: <c>POBJ_XALLOC_CLASS_MASK</c>.</summary>
    ClassMask = 0xFFFFUL << 48,
}
