// Transactions and reserve/publish actions of a pool (PMDK: libpmemobj/tx.c pmemobj_tx_begin, obj.c pmemobj_reserve/publish/cancel/defer_free/set_value).
using System.Runtime.InteropServices;
using Pmdk.Obj.Actions;
using Pmdk.Obj.Tx;

namespace Pmdk.Obj;

public sealed unsafe partial class ObjPool
{
    /// <summary>
    /// Begins a transaction on the calling thread, or a nested one when the thread is already in a transaction
    /// on this pool. Commit it with <see cref="ObjTransaction.Commit"/>; disposing it uncommitted aborts.
    /// </summary>
    /// <exception cref="InvalidOperationException">The thread is in a transaction on another pool, or in a stage other than Work.</exception>
    /// <remarks>C: <c>pmemobj_tx_begin</c></remarks>
    public ObjTransaction BeginTransaction()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TxContext ctx = TxContext.Current;
        if (ctx.Stage == TxStage.Work)
        {
            if (!ReferenceEquals(ctx.Pool, this))
                throw new InvalidOperationException("nested transaction for a different pool.");
            ctx.Depth++;
            return new ObjTransaction(ctx, ctx.Depth, ctx.Version);
        }
        if (ctx.Stage != TxStage.None)
            throw new InvalidOperationException($"cannot begin a transaction in stage {ctx.Stage}.");
        ctx.BeginOutermost(this, _alloc, _pool);
        return new ObjTransaction(ctx, 1, ctx.Version);
    }

    /// <summary>Runs <paramref name="body"/> in a transaction and commits it; an exception aborts and propagates.</summary>
    /// <remarks>C: <c>TX_BEGIN(pop) { … } TX_END</c></remarks>
    public void Transaction(Action<ObjTransaction> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using ObjTransaction tx = BeginTransaction();
        body(tx);
        if (tx.Stage == TxStage.Work)
            tx.Commit();
    }

    /// <summary>Runs <paramref name="body"/> with state in a transaction and commits it (no closure allocation).</summary>
    public void Transaction<TState>(TState state, Action<ObjTransaction, TState> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using ObjTransaction tx = BeginTransaction();
        body(tx, state);
        if (tx.Stage == TxStage.Work)
            tx.Commit();
    }

    /// <summary>
    /// Reserves an object: it can be written at once but exists only once published (or is lost at a crash).
    /// </summary>
    /// <param name="size">Bytes requested.</param>
    /// <param name="typeNumber">Type number.</param>
    /// <param name="zero">Zero the object (flushed).</param>
    /// <remarks>C: <c>pmemobj_reserve</c>, <c>pmemobj_xreserve</c> with <c>POBJ_XALLOC_ZERO</c></remarks>
    public ObjAction Reserve(ulong size, ulong typeNumber, bool zero = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckSize(size);
        Actions.HeapAction act;
        if (zero)
        {
            var z = default(Alloc.ZeroInit);
            _alloc.Reserve(size, typeNumber, 0, ref z, out act);
        }
        else
        {
            var none = default(Alloc.NoInit);
            _alloc.Reserve(size, typeNumber, 0, ref none, out act);
        }
        return new ObjAction(in act);
    }

    /// <summary>Reserves a zeroed object sized for <typeparamref name="T"/>.</summary>
    public ObjAction Reserve<T>(ulong typeNumber) where T : unmanaged => Reserve((ulong)sizeof(T), typeNumber, zero: true);

    /// <summary>Prepares the free of <paramref name="oid"/>, done when the action is published. C: <c>pmemobj_defer_free</c>.</summary>
    public ObjAction DeferFree(PmemOid oid)
    {
        CheckOid(oid);
        return new ObjAction(_alloc.DeferFree(oid.Offset));
    }

    /// <summary>Prepares the store of <paramref name="value"/> into <paramref name="target"/>, which must live in the pool. C: <c>pmemobj_set_value</c>.</summary>
    public ObjAction SetValue(ref ulong target, ulong value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ulong off = OffsetOf(ref target) ?? throw new ArgumentException("the target does not live in the pool.", nameof(target));
        if (off % 8 != 0 || off + 8 > _pool.Size)
            throw new ArgumentException($"the target at pool offset 0x{off:x} is not an aligned 8-byte word of the pool.", nameof(target));
        return new ObjAction(new HeapAction { Kind = HeapActionKind.Set, Offset = off, Value = value, PoolUuidLo = UuidLo });
    }

    /// <summary>Publishes actions atomically: all of them take effect, or none after a crash. C: <c>pmemobj_publish</c>.</summary>
    public void Publish(params ReadOnlySpan<ObjAction> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ReadOnlySpan<HeapAction> acts = MemoryMarshal.Cast<ObjAction, HeapAction>(actions);
        CheckActions(acts);
        _alloc.Publish(acts);
    }

    /// <summary>Gives reserved objects back; frees and sets are dropped. C: <c>pmemobj_cancel</c>.</summary>
    public void Cancel(params ReadOnlySpan<ObjAction> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ReadOnlySpan<HeapAction> acts = MemoryMarshal.Cast<ObjAction, HeapAction>(actions);
        CheckActions(acts);
        HeapAction[] copy = acts.ToArray();
        _alloc.Cancel(copy);
    }

    private void CheckActions(ReadOnlySpan<HeapAction> acts)
    {
        foreach (ref readonly HeapAction a in acts)
        {
            if (a.Kind != HeapActionKind.None && a.PoolUuidLo != UuidLo)
                throw new ArgumentException("an action belongs to another pool.", nameof(acts));
        }
    }
}
