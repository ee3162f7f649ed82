// Persistent locks of a pool: handles on PMEMmutex/PMEMrwlock/PMEMcond words and their side table (PMDK: libpmemobj/sync.c).
using Pmdk.Obj.Locks;
using Pmdk.Obj.Tx;

namespace Pmdk.Obj;

public sealed unsafe partial class ObjPool
{
    private LockTable? _lockTable;

    internal LockTable LockTable
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _lockTable ?? Interlocked.CompareExchange(ref _lockTable, new LockTable(_pool, RunId), null) ?? _lockTable;
        }
    }

    /// <summary>The persistent mutex at <paramref name="offset"/> bytes into object <paramref name="oid"/>.</summary>
    public PmemMutex Mutex(PmemOid oid, ulong offset = 0) => new(this, LockOffset(oid, offset));

    /// <summary>The persistent mutex stored at <paramref name="data"/> (which must live in this pool).</summary>
    public PmemMutex Mutex(ref PmemMutexData data) => new(this, LockOffset(OffsetOf(ref data)));

    /// <summary>The persistent mutex at a pool offset.</summary>
    public PmemMutex MutexAt(ulong poolOffset) => new(this, LockOffset(poolOffset));

    /// <summary>The persistent reader-writer lock at <paramref name="offset"/> bytes into object <paramref name="oid"/>.</summary>
    public PmemRwLock RwLock(PmemOid oid, ulong offset = 0) => new(this, LockOffset(oid, offset));

    /// <summary>The persistent reader-writer lock stored at <paramref name="data"/>.</summary>
    public PmemRwLock RwLock(ref PmemRwLockData data) => new(this, LockOffset(OffsetOf(ref data)));

    /// <summary>The persistent condition variable at <paramref name="offset"/> bytes into object <paramref name="oid"/>.</summary>
    public PmemCondVar CondVar(PmemOid oid, ulong offset = 0) => new(this, LockOffset(oid, offset));

    /// <summary>The persistent condition variable stored at <paramref name="data"/>.</summary>
    public PmemCondVar CondVar(ref PmemCondVarData data) => new(this, LockOffset(OffsetOf(ref data)));

    /// <summary>Begins a transaction holding <paramref name="mutex"/> until the outermost transaction ends. C: <c>TX_BEGIN_PARAM(pop, TX_PARAM_MUTEX, …)</c>.</summary>
    public ObjTransaction BeginTransaction(PmemMutex mutex)
    {
        ObjTransaction tx = BeginTransaction();
        try
        {
            tx.Lock(mutex);
        }
        catch
        {
            tx.Dispose();
            throw;
        }
        return tx;
    }

    /// <summary>Begins a transaction holding the write lock of <paramref name="rwlock"/> until the outermost transaction ends. C: <c>TX_PARAM_RWLOCK</c>.</summary>
    public ObjTransaction BeginTransaction(PmemRwLock rwlock)
    {
        ObjTransaction tx = BeginTransaction();
        try
        {
            tx.Lock(rwlock);
        }
        catch
        {
            tx.Dispose();
            throw;
        }
        return tx;
    }

    private ulong LockOffset(PmemOid oid, ulong offset)
    {
        CheckOid(oid);
        return LockOffset(oid.Offset + offset);
    }

    private ulong LockOffset(ulong? poolOffset)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ulong off = poolOffset ?? throw new ArgumentException("the lock does not live in the pool.");
        if (off % 8 != 0 || off < HeapOffset || off > _alloc.Heap.HeapEnd - PmemMutexData.Size)
            throw new ArgumentOutOfRangeException(nameof(poolOffset), $"a persistent lock at pool offset 0x{off:x} must be 8-byte aligned with its 64 bytes inside the heap.");
        return off;
    }
}
