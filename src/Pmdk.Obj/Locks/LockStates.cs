// The volatile halves of persistent locks, kept in DRAM (PMDK: libpmemobj/sync.c, the os_mutex/os_rwlock/os_cond objects).
using System.Runtime.CompilerServices;

namespace Pmdk.Obj.Locks;

// The states live as long as their pool's lock table and are dropped with it; ReaderWriterLockSlim and the
// condition variables' SemaphoreSlims hold no OS handle unless one is requested, so there is nothing to dispose.
#pragma warning disable CA1001

/// <summary>The DRAM object behind one persistent lock of the current open.</summary>
internal abstract class LockState
{
    /// <summary>The pool offset of the lock this state was made for (the fast path checks it).</summary>
    public ulong Offset { get; init; }

    /// <summary>Whether some thread holds or waits on it (a held state survives a re-initialization of the runid).</summary>
    public abstract bool IsBusy { get; }
}

/// <summary>
/// A non-recursive mutex that any thread may release (like a default pthread mutex): one CAS to lock and one
/// exchange to unlock when uncontended (the three-state futex mutex: 0 free, 1 locked, 2 locked and maybe
/// waited on); contended waiters block on a monitor that the unlock pulses only in state 2.
/// </summary>
internal sealed class MutexState : LockState
{
    private int _state;
    private object? _wait;

    public override bool IsBusy => Volatile.Read(ref _state) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Acquire(int timeoutMs) => Interlocked.CompareExchange(ref _state, 1, 0) == 0 || AcquireSlow(timeoutMs);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Release()
    {
        int old = Interlocked.Exchange(ref _state, 0);
        if (old != 1)
            ReleaseSlow(old);
    }

    private bool AcquireSlow(int timeoutMs)
    {
        if (timeoutMs == 0)
            return false;
        for (int spin = 0; spin < 16; spin++)
        {
            Thread.SpinWait(1 << Math.Min(spin, 6));
            if (Volatile.Read(ref _state) == 0 && Interlocked.CompareExchange(ref _state, 1, 0) == 0)
                return true;
        }
        long deadline = timeoutMs == Timeout.Infinite ? long.MaxValue : Environment.TickCount64 + timeoutMs;
        object wait = LazyInitializer.EnsureInitialized(ref _wait);
        lock (wait)
        {
            // Taking the lock in state 2 is conservative: its unlock pulses even if nobody waits.
            while (Interlocked.Exchange(ref _state, 2) != 0)
            {
                if (deadline == long.MaxValue)
                {
                    Monitor.Wait(wait);
                    continue;
                }
                long left = deadline - Environment.TickCount64;
                if (left <= 0 || !Monitor.Wait(wait, (int)Math.Min(left, int.MaxValue)))
                    return false;
            }
            return true;
        }
    }

    private void ReleaseSlow(int old)
    {
        if (old == 0)
            throw new SynchronizationLockException("the persistent mutex is not locked.");
        object wait = LazyInitializer.EnsureInitialized(ref _wait);
        lock (wait)
            Monitor.Pulse(wait);
    }
}

/// <summary>A reader-writer lock (recursive reads allowed, as with pthread rwlocks; released by the holding thread).</summary>
internal sealed class RwLockState : LockState
{
    private readonly ReaderWriterLockSlim _rw = new(LockRecursionPolicy.SupportsRecursion);
    private int _holders;

    public override bool IsBusy => Volatile.Read(ref _holders) != 0 || _rw.WaitingReadCount + _rw.WaitingWriteCount != 0;

    public bool AcquireRead(int timeoutMs)
    {
        if (!_rw.TryEnterReadLock(timeoutMs))
            return false;
        Interlocked.Increment(ref _holders);
        return true;
    }

    public bool AcquireWrite(int timeoutMs)
    {
        if (!_rw.TryEnterWriteLock(timeoutMs))
            return false;
        Interlocked.Increment(ref _holders);
        return true;
    }

    public void Release()
    {
        if (_rw.IsWriteLockHeld)
            _rw.ExitWriteLock();
        else if (_rw.IsReadLockHeld)
            _rw.ExitReadLock();
        else
            throw new SynchronizationLockException("the persistent rwlock is not held by this thread.");
        Interlocked.Decrement(ref _holders);
    }
}

/// <summary>A condition variable over a <see cref="MutexState"/>: FIFO waiters, each with its own event.</summary>
internal sealed class CondVarState : LockState
{
    private readonly LinkedList<SemaphoreSlim> _waiters = new();

    public override bool IsBusy
    {
        get
        {
            lock (_waiters)
                return _waiters.Count != 0;
        }
    }

    /// <summary>Releases <paramref name="mutex"/>, waits for a signal, re-acquires it. False on timeout.</summary>
    public bool Wait(MutexState mutex, int timeoutMs)
    {
        var ev = new SemaphoreSlim(0, 1);
        LinkedListNode<SemaphoreSlim> node;
        lock (_waiters)
            node = _waiters.AddLast(ev);
        try
        {
            mutex.Release();
        }
        catch
        {
            lock (_waiters)
                _waiters.Remove(node);
            throw;
        }
        bool signaled;
        try
        {
            signaled = ev.Wait(timeoutMs);
        }
        finally
        {
            lock (_waiters)
            {
                if (node.List is not null)
                    _waiters.Remove(node);
                else
                    signaled = true; // a signal chose this waiter while it timed out
            }
            mutex.Acquire(Timeout.Infinite);
        }
        return signaled;
    }

    public void Signal()
    {
        lock (_waiters)
        {
            LinkedListNode<SemaphoreSlim>? first = _waiters.First;
            if (first is null)
                return;
            _waiters.RemoveFirst();
            first.Value.Release();
        }
    }

    public void Broadcast()
    {
        lock (_waiters)
        {
            foreach (SemaphoreSlim ev in _waiters)
                ev.Release();
            _waiters.Clear();
        }
    }
}
