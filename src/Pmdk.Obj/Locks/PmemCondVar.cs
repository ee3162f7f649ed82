// A handle on a persistent condition variable in the pool (PMDK: libpmemobj/sync.c pmemobj_cond_*).
namespace Pmdk.Obj.Locks;

/// <summary>A persistent condition variable at a pool offset (a <see cref="PmemCondVarData"/>), reset at every open.</summary>
public readonly struct PmemCondVar : IEquatable<PmemCondVar>
{
    private readonly ObjPool _pool;

    internal PmemCondVar(ObjPool pool, ulong offset)
    {
        _pool = pool;
        Offset = offset;
    }

    /// <summary>The pool offset of the condition variable's 64 bytes.</summary>
    public ulong Offset { get; }

    /// <summary>The pool.</summary>
    public ObjPool Pool => _pool ?? throw new InvalidOperationException("default PmemCondVar handle.");

    /// <summary>Unlocks <paramref name="mutex"/>, waits for a signal, locks it again. C: <c>pmemobj_cond_wait</c>.</summary>
    /// <exception cref="SynchronizationLockException">The mutex is not locked.</exception>
    public void Wait(PmemMutex mutex) => State().Wait(MutexOf(mutex), Timeout.Infinite);

    /// <summary>Like <see cref="Wait(PmemMutex)"/> for at most <paramref name="timeout"/>; false on timeout (the mutex is held again either way). C: <c>pmemobj_cond_timedwait</c>.</summary>
    public bool Wait(PmemMutex mutex, TimeSpan timeout) => State().Wait(MutexOf(mutex), LockTimeout.Milliseconds(timeout));

    /// <summary>Wakes one waiter. C: <c>pmemobj_cond_signal</c>.</summary>
    public void Signal() => State().Signal();

    /// <summary>Wakes every waiter. C: <c>pmemobj_cond_broadcast</c>.</summary>
    public void Broadcast() => State().Broadcast();

    /// <summary>Sets the runid to 0 (persisted). C: <c>pmemobj_cond_zero</c>.</summary>
    public void Zero() => Pool.LockTable.Zero(Offset);

    private CondVarState State() => Pool.LockTable.Get<CondVarState>(Offset);

    private MutexState MutexOf(PmemMutex mutex)
    {
        if (!ReferenceEquals(mutex.Pool, Pool))
            throw new ArgumentException("the mutex belongs to another pool.", nameof(mutex));
        return Pool.LockTable.Existing<MutexState>(mutex.Offset);
    }

    /// <inheritdoc/>
    public bool Equals(PmemCondVar other) => ReferenceEquals(_pool, other._pool) && Offset == other.Offset;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PmemCondVar m && Equals(m);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_pool, Offset);

    /// <summary>Equality.</summary>
    public static bool operator ==(PmemCondVar left, PmemCondVar right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PmemCondVar left, PmemCondVar right) => !left.Equals(right);
}
