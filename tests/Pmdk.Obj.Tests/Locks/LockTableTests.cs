// The lock table's fast path: slot numbers in the spare bytes of persistent locks, checked against the lock's offset (PMDK: libpmemobj/sync.c _get_value).
using Pmdk.Obj.Locks;
using Pmdk.Testing;

namespace Pmdk.Obj.Tests.Locks;

public class LockTableTests
{
    [Fact]
    public void Many_mutexes_each_get_their_own_state_across_chunk_and_directory_growth()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("many.pool"), "locks", 64 << 20);
        const int N = 70_000; // more than 64 chunks of 1024 slots: the chunk directory grows once
        PmemOid block = pool.ZAllocate((ulong)N * 64, 1);
        for (int i = 0; i < N; i++)
            Assert.True(pool.Mutex(block, (ulong)i * 64).TryLock());
        for (int i = 0; i < N; i += 997)
            Assert.False(pool.Mutex(block, (ulong)i * 64).TryLock());
        for (int i = 0; i < N; i++)
            pool.Mutex(block, (ulong)i * 64).Unlock();
        for (int i = 0; i < N; i += 997)
        {
            PmemMutex m = pool.Mutex(block, (ulong)i * 64);
            Assert.True(m.TryLock());
            m.Unlock();
            Assert.Throws<SynchronizationLockException>(m.Unlock);
        }
    }

    [Fact]
    public void Garbage_or_foreign_slot_numbers_in_the_spare_bytes_only_take_the_slow_path()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("garbage.pool"), "locks", 16 << 20);
        PmemOid root = pool.Root(256);
        PmemMutex a = pool.Mutex(root, 0), b = pool.Mutex(root, 64);
        a.Lock();
        b.Lock();
        // Point a's slot at b's state, then at nonsense: a's own state must still be found.
        pool.Ref<uint>(root, 8) = pool.Ref<uint>(root, 72);
        Assert.False(a.TryLock());
        a.Unlock();
        Assert.False(b.TryLock()); // b untouched
        pool.Ref<uint>(root, 8) = 0xDEADBEEF;
        Assert.True(a.TryLock());
        pool.Ref<uint>(root, 8) = 0;
        a.Unlock();
        b.Unlock();
        Assert.True(a.TryLock() && b.TryLock());
    }

    [Fact]
    public void Contended_timed_lock_times_out_then_succeeds_once_released()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("timed.pool"), "locks", 16 << 20);
        PmemMutex m = pool.Mutex(pool.Root(64));
        m.Lock();
        bool timedLock = true, blockedDone = false;
        var waiter = new Thread(() => timedLock = m.TryLock(TimeSpan.FromMilliseconds(50)));
        waiter.Start();
        Assert.True(waiter.Join(TimeSpan.FromSeconds(10)));
        Assert.False(timedLock);
        var blocked = new Thread(() =>
        {
            m.Lock(); // blocks in the slow path until the release below pulses it
            m.Unlock();
            blockedDone = true;
        });
        blocked.Start();
        Thread.Sleep(50);
        m.Unlock();
        Assert.True(blocked.Join(TimeSpan.FromSeconds(10)) && blockedDone);
        Assert.True(m.TryLock());
    }
}
