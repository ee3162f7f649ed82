// The locks a transaction holds, released when the outermost transaction ends (PMDK: libpmemobj/tx.c struct tx_lock_data).
using Pmdk.Obj.Locks;

namespace Pmdk.Obj.Tx;

internal sealed partial class TxContext
{
    private readonly List<(ulong Offset, bool IsRwLock)> _locks = [];

    public bool HoldsLock(ulong offset)
    {
        foreach ((ulong o, _) in _locks)
        {
            if (o == offset)
                return true;
        }
        return false;
    }

    public void AddLock(ulong offset, bool isRwLock) => _locks.Add((offset, isRwLock));

    /// <summary>Unlocks in reverse order of locking. C: <c>release_and_free_tx_locks</c>.</summary>
    private void ReleaseLocks()
    {
        if (_locks.Count == 0 || Pool is null)
            return;
        LockTable table = Pool.LockTable;
        for (int i = _locks.Count - 1; i >= 0; i--)
        {
            (ulong off, bool rw) = _locks[i];
            if (rw)
                table.Existing<RwLockState>(off).Release();
            else
                table.Existing<MutexState>(off).Release();
        }
        _locks.Clear();
    }
}
