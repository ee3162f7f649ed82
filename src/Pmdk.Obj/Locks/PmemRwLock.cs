// A handle on a persistent reader-writer lock in the pool (PMDK: libpmemobj/sync.c pmemobj_rwlock_*).
namespace Pmdk.Obj.Locks;

/// <summary>
/// A persistent reader-writer lock at a pool offset (a <see cref="PmemRwLockData"/> inside an object), reset at
/// every open. Released by the thread that holds it; read locks may recurse.
/// </summary>
public readonly struct PmemRwLock : IEquatable<PmemRwLock>
{
    private readonly ObjPool _pool;

    internal PmemRwLock(ObjPool pool, ulong offset)
    {
        _pool = pool;
        Offset = offset;
    }

    /// <summary>The pool offset of the lock's 64 bytes.</summary>
    public ulong Offset { get; }

    /// <summary>The pool.</summary>
    public ObjPool Pool => _pool ?? throw new InvalidOperationException("default PmemRwLock handle.");

    /// <summary>Takes a read lock. C: <c>pmemobj_rwlock_rdlock</c>.</summary>
    public void ReadLock() => State().AcquireRead(Timeout.Infinite);

    /// <summary>Takes the write lock. C: <c>pmemobj_rwlock_wrlock</c>.</summary>
    public void WriteLock() => State().AcquireWrite(Timeout.Infinite);

    /// <summary>Takes a read lock if available. C: <c>pmemobj_rwlock_tryrdlock</c>.</summary>
    public bool TryReadLock() => State().AcquireRead(0);

    /// <summary>Takes the write lock if available. C: <c>pmemobj_rwlock_trywrlock</c>.</summary>
    public bool TryWriteLock() => State().AcquireWrite(0);

    /// <summary>Takes a read lock within <paramref name="timeout"/>. C: <c>pmemobj_rwlock_timedrdlock</c> (relative time here).</summary>
    public bool TryReadLock(TimeSpan timeout) => State().AcquireRead(LockTimeout.Milliseconds(timeout));

    /// <summary>Takes the write lock within <paramref name="timeout"/>. C: <c>pmemobj_rwlock_timedwrlock</c> (relative time here).</summary>
    public bool TryWriteLock(TimeSpan timeout) => State().AcquireWrite(LockTimeout.Milliseconds(timeout));

    /// <summary>Releases the calling thread's write or read lock. C: <c>pmemobj_rwlock_unlock</c>.</summary>
    /// <exception cref="SynchronizationLockException">The thread holds no lock on it.</exception>
    public void Unlock() => Pool.LockTable.Existing<RwLockState>(Offset).Release();

    /// <summary>Sets the runid to 0 (persisted). C: <c>pmemobj_rwlock_zero</c>.</summary>
    public void Zero() => Pool.LockTable.Zero(Offset);

    private RwLockState State() => Pool.LockTable.Get<RwLockState>(Offset);

    /// <inheritdoc/>
    public bool Equals(PmemRwLock other) => ReferenceEquals(_pool, other._pool) && Offset == other.Offset;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PmemRwLock m && Equals(m);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_pool, Offset);

    /// <summary>Equality.</summary>
    public static bool operator ==(PmemRwLock left, PmemRwLock right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PmemRwLock left, PmemRwLock right) => !left.Equals(right);
}
