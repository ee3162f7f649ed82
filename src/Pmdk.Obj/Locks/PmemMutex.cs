// A handle on a persistent mutex in the pool (PMDK: libpmemobj/sync.c pmemobj_mutex_*).
namespace Pmdk.Obj.Locks;

/// <summary>
/// A persistent mutex at a pool offset (a <see cref="PmemMutexData"/> inside an object). Valid for the open pool
/// it came from; reset automatically at every open (a mutex left locked by a crashed process is free again).
/// Non-recursive; may be unlocked by another thread, like a default pthread mutex.
/// </summary>
public readonly struct PmemMutex : IEquatable<PmemMutex>
{
    private readonly ObjPool _pool;

    internal PmemMutex(ObjPool pool, ulong offset)
    {
        _pool = pool;
        Offset = offset;
    }

    /// <summary>The pool offset of the lock's 64 bytes.</summary>
    public ulong Offset { get; }

    /// <summary>The pool.</summary>
    public ObjPool Pool => _pool ?? throw new InvalidOperationException("default PmemMutex handle.");

    /// <summary>Locks, waiting as long as needed. C: <c>pmemobj_mutex_lock</c>.</summary>
    public void Lock() => State().Acquire(Timeout.Infinite);

    /// <summary>Locks if free. C: <c>pmemobj_mutex_trylock</c>.</summary>
    public bool TryLock() => State().Acquire(0);

    /// <summary>Locks, waiting at most <paramref name="timeout"/>; false on timeout. C: <c>pmemobj_mutex_timedlock</c> (relative time here).</summary>
    public bool TryLock(TimeSpan timeout) => State().Acquire(LockTimeout.Milliseconds(timeout));

    /// <summary>Unlocks. C: <c>pmemobj_mutex_unlock</c>.</summary>
    /// <exception cref="SynchronizationLockException">The mutex is not locked.</exception>
    public void Unlock() => Pool.LockTable.Existing<MutexState>(Offset).Release();

    /// <summary>Locks and returns a scope whose disposal unlocks.</summary>
    public Scope Acquire()
    {
        Lock();
        return new Scope(this);
    }

    /// <summary>Sets the runid to 0 (persisted), forcing re-initialization at the next use. C: <c>pmemobj_mutex_zero</c>.</summary>
    public void Zero() => Pool.LockTable.Zero(Offset);

    internal MutexState State() => Pool.LockTable.Get<MutexState>(Offset);

    /// <inheritdoc/>
    public bool Equals(PmemMutex other) => ReferenceEquals(_pool, other._pool) && Offset == other.Offset;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PmemMutex m && Equals(m);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_pool, Offset);

    /// <summary>Equality.</summary>
    public static bool operator ==(PmemMutex left, PmemMutex right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PmemMutex left, PmemMutex right) => !left.Equals(right);

    /// <summary>Unlocks the mutex when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly PmemMutex _mutex;

        internal Scope(PmemMutex mutex) => _mutex = mutex;

        /// <summary>Unlocks.</summary>
        public void Dispose() => _mutex.Unlock();
    }
}

/// <summary>Timeout conversion shared by the lock handles.</summary>
internal static class LockTimeout
{
    public static int Milliseconds(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
            return Timeout.Infinite;
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return (int)Math.Min(Math.Ceiling(timeout.TotalMilliseconds), int.MaxValue);
    }
}
