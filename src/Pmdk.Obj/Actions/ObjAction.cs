// A deferred action of the reserve/publish API (PMDK: include/libpmemobj/action_base.h struct pobj_action).
namespace Pmdk.Obj.Actions;

/// <summary>What an <see cref="ObjAction"/> does when published.</summary>
public enum ObjActionKind
{
    /// <summary>Nothing: a default or cancelled action.</summary>
    None,

    /// <summary>Publishes a reserved object. C: <c>pmemobj_reserve</c>.</summary>
    Reserve,

    /// <summary>Frees an object. C: <c>pmemobj_defer_free</c>.</summary>
    Free,

    /// <summary>Stores a 64-bit value in the pool. C: <c>pmemobj_set_value</c>.</summary>
    SetValue,
}

/// <summary>
/// A heap change prepared in DRAM: a reserved object (its contents may be written freely, it is invisible until
/// published), a deferred free, or a deferred 8-byte store. Publish a group with
/// <see cref="ObjPool.Publish(ReadOnlySpan{ObjAction})"/> (atomically, in one redo log) or inside a transaction,
/// or give reservations back with <see cref="ObjPool.Cancel(ReadOnlySpan{ObjAction})"/>. Publish or cancel each
/// action exactly once.
/// </summary>
/// <remarks>C: <c>struct pobj_action</c></remarks>
public readonly struct ObjAction
{
    internal readonly HeapAction Action;

    internal ObjAction(in HeapAction action) => Action = action;

    /// <summary>The kind of action.</summary>
    public ObjActionKind Kind => Action.Kind switch
    {
        HeapActionKind.Alloc => ObjActionKind.Reserve,
        HeapActionKind.Free => ObjActionKind.Free,
        HeapActionKind.Set => ObjActionKind.SetValue,
        _ => ObjActionKind.None,
    };

    /// <summary>The reserved or freed object (null for a set).</summary>
    public PmemOid Oid => Action.Kind is HeapActionKind.Alloc or HeapActionKind.Free ? new PmemOid(Action.PoolUuidLo, Action.Offset) : PmemOid.Null;

    /// <summary>Usable bytes of the reserved or freed object.</summary>
    public ulong UsableSize => Action.UsableSize;
}
