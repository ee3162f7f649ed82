// Persistent mutex, rwlock and condition variable semantics, the run-id reset at open, transaction locks (PMDK: libpmemobj/sync.c, tx.c).
using Pmdk.Obj.Locks;
using Pmdk.Testing;

namespace Pmdk.Obj.Tests.Locks;

public class LockTests
{
    private static ObjPool NewPool(TempPoolDirectory dir, out PmemOid root)
    {
        ObjPool pool = ObjPool.Create(dir.File("locks.pool"), "locks", 16 << 20);
        root = pool.Root(512);
        return pool;
    }

    [Fact]
    public void Mutex_gives_mutual_exclusion_under_contention()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        PmemMutex m = pool.Mutex(root, 0);
        const int threads = 8, iterations = 2000;
        int inside = 0, violations = 0;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            for (int i = 0; i < iterations; i++)
            {
                m.Lock();
                if (Interlocked.Increment(ref inside) != 1)
                    Interlocked.Increment(ref violations);
                ref ulong counter = ref pool.Ref<ulong>(root, 64);
                counter++;
                Interlocked.Decrement(ref inside);
                m.Unlock();
            }
        });
        Assert.Equal(0, violations);
        Assert.Equal((ulong)(threads * iterations), pool.Ref<ulong>(root, 64));
        Assert.Equal(pool.RunId, pool.Ref<PmemMutexData>(root).RunId);
    }

    [Fact]
    public void TryLock_and_timed_lock_fail_while_held_and_succeed_after()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        PmemMutex m = pool.Mutex(ref pool.Ref<PmemMutexData>(root));
        m.Lock();
        bool fromOther = OtherThread.Run(() => m.TryLock());
        Assert.False(fromOther);
        Assert.False(OtherThread.Run(() => m.TryLock(TimeSpan.FromMilliseconds(30))));
        bool acquired = false;
        var waiter = new Thread(() => acquired = m.TryLock(TimeSpan.FromSeconds(30)));
        waiter.Start();
        Thread.Sleep(20);
        m.Unlock();
        waiter.Join();
        Assert.True(acquired);
        m.Unlock();
        Assert.Throws<SynchronizationLockException>(() => m.Unlock());
        using (m.Acquire())
            Assert.False(m.TryLock());
        Assert.True(m.TryLock());
        m.Unlock();
    }

    [Fact]
    public void Reopen_resets_a_lock_left_locked_and_bumps_its_runid()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("locks.pool");
        ulong firstRun;
        using (ObjPool pool = NewPool(dir, out PmemOid root))
        {
            pool.Mutex(root, 0).Lock();
            pool.RwLock(root, 64).WriteLock();
            firstRun = pool.RunId;
            Assert.Equal(firstRun, pool.Ref<ulong>(root, 0));
            Assert.Equal(firstRun, pool.Ref<ulong>(root, 64));
        }
        using (ObjPool pool = ObjPool.Open(path, "locks"))
        {
            PmemOid root = pool.RootOrNull;
            Assert.Equal(firstRun + 2, pool.RunId);
            Assert.Equal(firstRun, pool.Ref<ulong>(root, 0));
            Assert.True(pool.Mutex(root, 0).TryLock());
            Assert.True(pool.RwLock(root, 64).TryWriteLock());
            Assert.Equal(pool.RunId, pool.Ref<ulong>(root, 0));
            Assert.Equal(pool.RunId, pool.Ref<ulong>(root, 64));
        }
    }

    [Fact]
    public void Zero_sets_runid_to_zero_and_the_lock_reinitializes()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        PmemMutex m = pool.Mutex(root, 128);
        Assert.True(m.TryLock());
        m.Unlock();
        m.Zero();
        Assert.Equal(0UL, pool.Ref<ulong>(root, 128));
        Assert.True(m.TryLock());
        Assert.Equal(pool.RunId, pool.Ref<ulong>(root, 128));
        m.Unlock();
    }

    [Fact]
    public void A_held_lock_survives_a_stale_runid()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        PmemMutex m = pool.Mutex(root, 0);
        m.Lock();
        pool.Ref<ulong>(root, 0) = 0; // e.g. an aborted transaction restored the lock's old bytes
        Assert.False(OtherThread.Run(() => m.TryLock()));
        m.Unlock();
        Assert.True(m.TryLock());
        m.Unlock();
    }

    [Fact]
    public void RwLock_allows_readers_together_and_writers_alone()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        PmemRwLock rw = pool.RwLock(ref pool.Ref<PmemRwLockData>(root, 64));
        rw.ReadLock();
        Assert.True(OtherThread.Run(() =>
        {
            bool ok = rw.TryReadLock();
            if (ok)
                rw.Unlock();
            return ok;
        }));
        Assert.False(OtherThread.Run(() => rw.TryWriteLock(TimeSpan.FromMilliseconds(20))));
        rw.Unlock();
        rw.WriteLock();
        Assert.False(OtherThread.Run(() => rw.TryReadLock(TimeSpan.FromMilliseconds(20))));
        rw.Unlock();
        Assert.Throws<SynchronizationLockException>(() => rw.Unlock());

        const int threads = 6, iterations = 1000;
        int writers = 0, readers = 0, violations = 0;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (int i = 0; i < iterations; i++)
            {
                if ((i + t) % 4 == 0)
                {
                    rw.WriteLock();
                    if (Interlocked.Increment(ref writers) != 1 || Volatile.Read(ref readers) != 0)
                        Interlocked.Increment(ref violations);
                    Interlocked.Decrement(ref writers);
                }
                else
                {
                    rw.ReadLock();
                    Interlocked.Increment(ref readers);
                    if (Volatile.Read(ref writers) != 0)
                        Interlocked.Increment(ref violations);
                    Interlocked.Decrement(ref readers);
                }
                rw.Unlock();
            }
        });
        Assert.Equal(0, violations);
    }

    [Fact]
    public void CondVar_wait_signal_broadcast_and_timeout()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        PmemMutex m = pool.Mutex(root, 0);
        PmemCondVar cv = pool.CondVar(root, 64);
        Assert.Throws<SynchronizationLockException>(() => cv.Wait(m)); // the mutex must be held
        m.Lock();
        Assert.False(cv.Wait(m, TimeSpan.FromMilliseconds(20)));
        m.Unlock(); // held again after the timed-out wait

        const int consumers = 4;
        int woken = 0;
        var tasks = new Thread[consumers];
        for (int i = 0; i < consumers; i++)
        {
            tasks[i] = new Thread(() =>
            {
                m.Lock();
                while (pool.Ref<ulong>(root, 200) == 0)
                    cv.Wait(m);
                Interlocked.Increment(ref woken);
                m.Unlock();
            });
            tasks[i].Start();
        }
        m.Lock();
        pool.Ref<ulong>(root, 200) = 1;
        cv.Signal();
        cv.Broadcast();
        m.Unlock();
        foreach (Thread t in tasks)
            Assert.True(t.Join(TimeSpan.FromSeconds(60)));
        Assert.Equal(consumers, woken);
        Assert.Equal(pool.RunId, pool.Ref<ulong>(root, 64));
    }

    [Fact]
    public void Transaction_holds_its_locks_until_the_outermost_end()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        PmemMutex m = pool.Mutex(root, 0);
        PmemRwLock rw = pool.RwLock(root, 64);
        using (var tx = pool.BeginTransaction(m))
        {
            tx.Lock(m); // already held: no deadlock
            tx.Lock(rw);
            using (var inner = pool.BeginTransaction())
            {
                inner.Lock(m);
                inner.AddRange(root, 256, 8);
                pool.Ref<ulong>(root, 256) = 42;
                inner.Commit();
            }
            Assert.False(OtherThread.Run(() => m.TryLock()));
            tx.Commit();
            Assert.False(OtherThread.Run(() => m.TryLock())); // still held in stage OnCommit
        }
        Assert.True(OtherThread.Run(() =>
        {
            bool ok = m.TryLock() && rw.TryWriteLock();
            m.Unlock();
            rw.Unlock();
            return ok;
        }));
        Assert.Equal(42UL, pool.Ref<ulong>(root, 256));
    }

    [Fact]
    public void Aborted_transaction_that_snapshotted_its_lock_still_releases_it()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        PmemMutex m = pool.Mutex(root, 0);
        using (var tx = pool.BeginTransaction())
        {
            tx.AddRange(root, 0, 128); // the lock's runid (still 0) is snapshotted
            tx.Lock(m);
            pool.Ref<ulong>(root, 100) = 7;
            tx.Abort();
        }
        Assert.Equal(0UL, pool.Ref<ulong>(root, 0));
        Assert.Equal(0UL, pool.Ref<ulong>(root, 100));
        Assert.True(OtherThread.Run(() =>
        {
            bool ok = m.TryLock();
            m.Unlock();
            return ok;
        }));
    }

    [Fact]
    public void Locks_outside_the_heap_or_unaligned_are_rejected()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = NewPool(dir, out PmemOid root);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Mutex(root, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.MutexAt(0x1808));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.MutexAt(pool.HeapOffset + pool.HeapSize - 8));
    }
}

/// <summary>Runs a function on a fresh thread and waits for it (locks are thread-bound).</summary>
internal static class OtherThread
{
    public static T Run<T>(Func<T> f)
    {
        T result = default!;
        var t = new Thread(() => result = f());
        t.Start();
        t.Join();
        return result;
    }
}
