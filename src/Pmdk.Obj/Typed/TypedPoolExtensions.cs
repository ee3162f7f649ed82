// Typed access to pool objects and typed transactional allocation and snapshots (PMDK: include/libpmemobj/types.h D_RW/D_RO, tx.h TX_NEW/TX_ADD/TX_SET).
using Pmdk.Obj.Tx;

namespace Pmdk.Obj.Typed;

/// <summary>
/// The typed API over <see cref="ObjPool"/> and <see cref="ObjTransaction"/>: typed pointers, and snapshot helpers
/// (<see cref="Edit{T}(ObjTransaction, PmemOid{T})"/>, <see cref="Write{T}(ObjTransaction, ref T, T)"/>,
/// <see cref="Modify{T}(ObjTransaction, ref T)"/>) that snapshot before they hand out a writable reference, so a
/// store in a transaction cannot forget its undo log.
/// </summary>
public static class TypedPoolExtensions
{
    /// <summary>A reference to the object (bounds-checked against the heap). Writing through it outside a snapshot is not transactional.</summary>
    /// <remarks>C: <c>D_RW</c></remarks>
    public static ref T Ref<T>(this ObjPool pool, PmemOid<T> oid) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(pool);
        return ref pool.Ref<T>(oid.Oid);
    }

    /// <summary>A copy of the object's value. C: <c>D_RO</c>.</summary>
    public static T Read<T>(this ObjPool pool, PmemOid<T> oid) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(pool);
        return pool.Ref<T>(oid.Oid);
    }

    /// <summary>Allocates a zeroed <typeparamref name="T"/> atomically (outside a transaction). C: <c>POBJ_ZNEW</c>.</summary>
    public static unsafe PmemOid<T> New<T>(this ObjPool pool) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(pool);
        return new(pool.ZAllocate((ulong)sizeof(T), TypeNumber<T>.Value));
    }

    /// <summary>Frees an object atomically and nulls the pointer. C: <c>POBJ_FREE</c>.</summary>
    public static void Free<T>(this ObjPool pool, ref PmemOid<T> oid) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(pool);
        PmemOid o = oid.Oid;
        pool.Free(ref o);
        oid = default;
    }

    /// <summary>Allocates a zeroed <typeparamref name="T"/> that exists only if the transaction commits. C: <c>TX_ZNEW</c>.</summary>
    public static unsafe PmemOid<T> Allocate<T>(this ObjTransaction tx) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(tx);
        return new(tx.ZAllocate((ulong)sizeof(T), TypeNumber<T>.Value));
    }

    /// <summary>Allocates a <typeparamref name="T"/> initialized to <paramref name="value"/> in the transaction. C: <c>TX_NEW</c> + assignment.</summary>
    public static unsafe PmemOid<T> New<T>(this ObjTransaction tx, in T value) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(tx);
        PmemOid o = tx.Allocate((ulong)sizeof(T), TypeNumber<T>.Value);
        tx.Pool.Ref<T>(o) = value;
        return new(o);
    }

    /// <summary>Snapshots the whole object, then returns a writable reference to it: every store through it is undone by an abort or a crash.</summary>
    /// <remarks>C: <c>TX_ADD</c> + <c>D_RW</c></remarks>
    public static unsafe ref T Edit<T>(this ObjTransaction tx, PmemOid<T> oid) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(tx);
        tx.AddRange(oid.Oid, 0, (ulong)sizeof(T));
        return ref tx.Pool.Ref<T>(oid.Oid);
    }

    /// <summary>Snapshots <paramref name="location"/> (which must live in the pool) and returns it, now safe to write.</summary>
    /// <remarks>C: <c>TX_ADD_DIRECT</c></remarks>
    public static ref T Modify<T>(this ObjTransaction tx, ref T location) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(tx);
        tx.Snapshot(ref location);
        return ref location;
    }

    /// <summary>Snapshots <paramref name="location"/> (which must live in the pool), then stores <paramref name="value"/> in it.</summary>
    /// <remarks>C: <c>TX_SET_DIRECT</c></remarks>
    public static void Write<T>(this ObjTransaction tx, ref T location, T value) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(tx);
        tx.Snapshot(ref location);
        location = value;
    }

    /// <summary>Frees the object at commit and nulls <paramref name="field"/> (snapshotted; it must live in the pool). C: <c>TX_FREE</c> + <c>TX_SET</c>.</summary>
    public static void FreeAndClear<T>(this ObjTransaction tx, ref PmemOid<T> field) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(tx);
        tx.Free(field.Oid);
        tx.Snapshot(ref field);
        field = default;
    }
}
