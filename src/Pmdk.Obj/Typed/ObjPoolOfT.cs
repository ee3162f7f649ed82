// A pool typed by its root struct (PMDK: libpmemobj++ pool<T>, include/libpmemobj/types.h POBJ_ROOT).
using Pmdk.Obj.Tx;

namespace Pmdk.Obj.Typed;

/// <summary>
/// An <see cref="ObjPool"/> whose root object is a <typeparamref name="TRoot"/>: <see cref="Root"/> is a reference
/// to it. Change it inside a transaction through <c>tx.Edit(pool.RootOid)</c> or <c>tx.Write(ref pool.Root.Field, v)</c>.
/// </summary>
/// <typeparam name="TRoot">The root struct (unmanaged: fields of primitives, fixed buffers and <see cref="PmemOid{T}"/>s).</typeparam>
/// <remarks>C++: <c>pmem::obj::pool&lt;T&gt;</c></remarks>
public sealed unsafe class ObjPool<TRoot> : IDisposable where TRoot : unmanaged
{
    private bool _disposed;

    private ObjPool(ObjPool pool)
    {
        Pool = pool;
        RootOid = new PmemOid<TRoot>(pool.Root((ulong)sizeof(TRoot)));
    }

    /// <summary>The untyped pool.</summary>
    public ObjPool Pool { get; }

    /// <summary>The root object's pointer.</summary>
    public PmemOid<TRoot> RootOid { get; }

    /// <summary>The root object. Writes through it outside a snapshot are not transactional.</summary>
    /// <remarks>C: <c>D_RW(POBJ_ROOT(pop, T))</c></remarks>
    public ref TRoot Root => ref Pool.Ref<TRoot>(RootOid.Oid);

    /// <summary>Creates a pool with a zeroed root. C: <c>pmemobj_create</c> + <c>pmemobj_root</c>.</summary>
    public static ObjPool<TRoot> Create(string path, string? layout, ulong size, ObjPoolOptions? options = null) =>
        Wrap(ObjPool.Create(path, layout, size, options));

    /// <summary>Opens a pool (recovering it); the root grows to <typeparamref name="TRoot"/> if it was smaller. C: <c>pmemobj_open</c> + <c>pmemobj_root</c>.</summary>
    public static ObjPool<TRoot> Open(string path, string? layout, ObjPoolOptions? options = null) =>
        Wrap(ObjPool.Open(path, layout, options));

    /// <summary>Opens the pool when the file exists, else creates it.</summary>
    public static ObjPool<TRoot> OpenOrCreate(string path, string? layout, ulong size, ObjPoolOptions? options = null) =>
        Wrap(ObjPool.OpenOrCreate(path, layout, size, options));

    /// <summary>Wraps an open pool (taking ownership of it).</summary>
    public static ObjPool<TRoot> Wrap(ObjPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        try
        {
            return new ObjPool<TRoot>(pool);
        }
        catch
        {
            pool.Dispose();
            throw;
        }
    }

    /// <summary>A reference to an object of this pool.</summary>
    public ref T Ref<T>(PmemOid<T> oid) where T : unmanaged => ref Pool.Ref<T>(oid.Oid);

    /// <summary>Begins a (possibly nested) transaction; dispose without commit aborts. C: <c>pmemobj_tx_begin</c>.</summary>
    public ObjTransaction BeginTransaction() => Pool.BeginTransaction();

    /// <summary>Runs <paramref name="body"/> in a transaction and commits; an exception aborts and propagates. C: <c>TX_BEGIN</c>.</summary>
    public void Transaction(Action<ObjTransaction> body) => Pool.Transaction(body);

    /// <summary>
    /// Runs <paramref name="body"/> in a transaction with the root snapshotted and passed by reference, then commits.
    /// </summary>
    public void Transaction(RootAction<TRoot> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using ObjTransaction tx = Pool.BeginTransaction();
        ref TRoot root = ref tx.Edit(RootOid);
        body(tx, ref root);
        if (tx.Stage == TxStage.Work)
            tx.Commit();
    }

    /// <summary>Closes the pool. C: <c>pmemobj_close</c>.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Pool.Dispose();
    }
}

/// <summary>A transaction body receiving the snapshotted root by reference.</summary>
/// <typeparam name="TRoot">The root type.</typeparam>
/// <param name="tx">The transaction.</param>
/// <param name="root">The root, already snapshotted: safe to write.</param>
public delegate void RootAction<TRoot>(ObjTransaction tx, ref TRoot root) where TRoot : unmanaged;
