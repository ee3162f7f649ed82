// Persistent locks shared with Debian's libpmemobj: the runid protocol seen from both sides (PMDK: libpmemobj/sync.c).
using Pmdk.Obj.Locks;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Obj.Tests.Locks;

public class LockCompatTests
{
    [Fact]
    public void Locks_written_by_us_are_usable_by_C_and_vice_versa()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("locks.pool");
        ulong ourRun;
        using (ObjPool pool = ObjPool.Create(path, "locks", 16 << 20))
        {
            PmemOid root = pool.Root(256);
            pool.Mutex(root, 0).Lock();        // left locked, as by a crashed process
            PmemMutex m2 = pool.Mutex(root, 64);
            m2.Lock();
            m2.Unlock();                       // cleanly unlocked
            pool.RwLock(root, 128).WriteLock();
            ourRun = pool.RunId;
        }

        nint pop = NativeObj.pmemobj_open(path, "locks");
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        ulong cRun;
        try
        {
            NativeOid root = NativeObj.pmemobj_root(pop, 256);
            nint r = NativeObj.pmemobj_direct(root);
            unsafe
            {
                Assert.Equal(ourRun, *(ulong*)r);
                Assert.Equal(0, NativeLocks.pmemobj_mutex_trylock(pop, r));
                cRun = *(ulong*)r;
                Assert.Equal(ourRun + 2, cRun);
                Assert.NotEqual(0, NativeLocks.pmemobj_mutex_trylock(pop, r)); // EBUSY: C holds it now
                Assert.Equal(0, NativeLocks.pmemobj_mutex_lock(pop, r + 64));
                Assert.Equal(0, NativeLocks.pmemobj_mutex_unlock(pop, r + 64));
                Assert.Equal(0, NativeLocks.pmemobj_rwlock_trywrlock(pop, r + 128));
                Assert.Equal(cRun, *(ulong*)(r + 64));
                Assert.Equal(cRun, *(ulong*)(r + 128));
                // close with the mutex at 0 and the rwlock still held by C
            }
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }

        using (ObjPool pool = ObjPool.Open(path, "locks"))
        {
            PmemOid root = pool.RootOrNull;
            Assert.Equal(cRun + 2, pool.RunId);
            Assert.Equal(cRun, pool.Ref<ulong>(root, 0));
            Assert.True(pool.Mutex(root, 0).TryLock());
            Assert.True(pool.Mutex(root, 64).TryLock());
            Assert.True(pool.RwLock(root, 128).TryWriteLock());
            Assert.Equal(pool.RunId, pool.Ref<ulong>(root, 0));
            Assert.Equal(pool.RunId, pool.Ref<ulong>(root, 128));
        }
    }
}
