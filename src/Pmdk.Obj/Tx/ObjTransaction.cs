// A transaction handle: snapshots, commit, abort, stages and callbacks (PMDK: libpmemobj/tx.c pmemobj_tx_*; include/libpmemobj/tx_base.h).
using System.Runtime.CompilerServices;

namespace Pmdk.Obj.Tx;

/// <summary>
/// A transaction on an <see cref="ObjPool"/>, bound to the calling thread. Ranges added with
/// <see cref="AddRange(PmemOid, ulong, ulong, TxAddFlags)"/> / <see cref="Snapshot{T}(ref T, TxAddFlags)"/> are
/// undo-logged before they change; allocations and frees take effect at <see cref="Commit"/>, atomically with
/// every change. Disposing without <see cref="Commit"/> aborts: the snapshots are restored and the allocations
/// vanish, also after a crash. <see cref="ObjPool.BeginTransaction()"/> on a thread that is already in a
/// transaction nests (flattened, as PMDK: only the outermost commit is durable, and an inner abort aborts all).
/// </summary>
/// <remarks>C: <c>TX_BEGIN</c> … <c>TX_END</c></remarks>
public sealed partial class ObjTransaction : IDisposable
{
    private readonly TxContext _ctx;
    private readonly int _depth;
    private readonly int _version;
    private bool _committed;
    private bool _disposed;

    internal ObjTransaction(TxContext ctx, int depth, int version)
    {
        _ctx = ctx;
        _depth = depth;
        _version = version;
    }

    /// <summary>The stage of the calling thread's transaction. C: <c>pmemobj_tx_stage</c>.</summary>
    public static TxStage CurrentStage => TxContext.CurrentOrNull?.Stage ?? TxStage.None;

    /// <summary>This transaction's stage (<see cref="TxStage.None"/> once it ended).</summary>
    public TxStage Stage => _ctx.Version == _version ? _ctx.Stage : TxStage.None;

    /// <summary>The pool.</summary>
    public ObjPool Pool => _ctx.Pool ?? throw new InvalidOperationException("the transaction has ended.");

    /// <summary>Nesting level: 1 for the outermost transaction.</summary>
    public int Depth => _depth;

    /// <summary>Why the transaction aborted, when an operation failed (null for an explicit abort or a dispose).</summary>
    public Exception? AbortCause => _ctx.Version == _version ? _ctx.AbortCause : null;

    /// <summary>
    /// Commits. For the outermost transaction this makes every change durable and atomic; for a nested one it
    /// only marks it committed. C: <c>pmemobj_tx_commit</c>.
    /// </summary>
    /// <exception cref="TransactionAbortedException">The transaction was aborted before (e.g. by an inner one).</exception>
    public void Commit()
    {
        Check();
        if (_depth != _ctx.Depth)
            throw new InvalidOperationException($"commit of a transaction at depth {_depth} while depth {_ctx.Depth} is open: commit or dispose the inner one first.");
        CheckIntentLog();
        _committed = true;
        if (_depth == 1)
            _ctx.CommitOutermost();
    }

    /// <summary>Aborts the whole transaction now (every nesting level). C: <c>pmemobj_tx_abort</c>.</summary>
    public void Abort()
    {
        Check();
        _ctx.AbortOutermost(null);
    }

    /// <summary>Ends this level: aborts if it was not committed; the outermost runs the finally callbacks. C: <c>pmemobj_tx_end</c>.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        TxContext ctx = _ctx;
        if (ctx.Version != _version || !ReferenceEquals(TxContext.CurrentOrNull, ctx) || ctx.Depth < _depth)
            return;
        try
        {
            if (ctx.Stage == TxStage.Work && !_committed)
                ctx.AbortOutermost(null);
        }
        finally
        {
            ctx.Depth = _depth - 1;
            if (ctx.Depth == 0)
                ctx.End();
        }
    }

    /// <summary>Registers a callback run after the outermost commit (stage OnCommit). C: <c>TX_ONCOMMIT</c>.</summary>
    public void OnCommit(Action callback) => (_ctx.OnCommit ??= []).Add(Checked(callback));

    /// <summary>Registers a callback run after an abort (stage OnAbort). C: <c>TX_ONABORT</c>.</summary>
    public void OnAbort(Action callback) => (_ctx.OnAbort ??= []).Add(Checked(callback));

    /// <summary>Registers a callback run when the outermost transaction ends, committed or not (stage Finally). C: <c>TX_FINALLY</c>.</summary>
    public void OnFinally(Action callback) => (_ctx.OnFinally ??= []).Add(Checked(callback));

    private Action Checked(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Check();
        return callback;
    }

    /// <summary>Throws unless this transaction is open in the work stage on this thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Check()
    {
        if (_disposed || _ctx.Version != _version || _ctx.Stage != TxStage.Work || !ReferenceEquals(TxContext.CurrentOrNull, _ctx))
            ThrowNotWorking();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowNotWorking()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReferenceEquals(TxContext.CurrentOrNull, _ctx))
            throw new InvalidOperationException("a transaction is bound to the thread that began it.");
        if (_ctx.Version != _version)
            throw new InvalidOperationException("the transaction has ended.");
        if (_ctx.Stage == TxStage.OnAbort)
            throw new TransactionAbortedException("the transaction was aborted", _ctx.Pool?.Path, _ctx.AbortCause);
        throw new InvalidOperationException($"the transaction is in stage {_ctx.Stage}, not Work.");
    }

    /// <summary>Aborts (unless <paramref name="noAbort"/>) and throws for a failed operation.</summary>
    private Exception Fail(Exception cause, bool noAbort)
    {
        if (noAbort)
            return cause;
        string? path = _ctx.Pool?.Path;
        _ctx.AbortOutermost(cause);
        return new TransactionAbortedException($"transaction aborted: {cause.Message}", path, cause);
    }
}
