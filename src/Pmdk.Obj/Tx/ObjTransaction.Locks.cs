// Locks held by a transaction until its outermost end (PMDK: libpmemobj/tx.c pmemobj_tx_lock, add_to_tx_and_lock, release_and_free_tx_locks).
using Pmdk.Obj.Locks;

namespace Pmdk.Obj.Tx;

public sealed partial class ObjTransaction
{
    /// <summary>
    /// Locks <paramref name="mutex"/> and keeps it locked until the outermost transaction ends (after the finally
    /// callbacks). Locking a mutex the transaction already holds does nothing. C: <c>pmemobj_tx_lock(TX_PARAM_MUTEX, …)</c>.
    /// </summary>
    public void Lock(PmemMutex mutex)
    {
        Check();
        CheckPool(mutex.Pool);
        if (_ctx.HoldsLock(mutex.Offset))
            return;
        mutex.Lock();
        _ctx.AddLock(mutex.Offset, isRwLock: false);
    }

    /// <summary>Takes the write lock of <paramref name="rwlock"/> until the outermost transaction ends. C: <c>pmemobj_tx_lock(TX_PARAM_RWLOCK, …)</c>.</summary>
    public void Lock(PmemRwLock rwlock)
    {
        Check();
        CheckPool(rwlock.Pool);
        if (_ctx.HoldsLock(rwlock.Offset))
            return;
        rwlock.WriteLock();
        _ctx.AddLock(rwlock.Offset, isRwLock: true);
    }

    private void CheckPool(ObjPool pool)
    {
        if (!ReferenceEquals(pool, _ctx.Pool))
            throw new ArgumentException("the lock belongs to another pool.", nameof(pool));
    }
}
