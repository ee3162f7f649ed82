// Test-only P/Invoke of Debian's libpmemobj lock functions (PMDK: include/libpmemobj/thread.h).
using System.Runtime.InteropServices;

namespace Pmdk.Obj.Tests.Locks;

/// <summary>C's persistent lock functions; the lock pointers are addresses inside a C-opened pool.</summary>
internal static partial class NativeLocks
{
    private const string Lib = "libpmemobj.so.1";

    [LibraryImport(Lib)]
    public static partial int pmemobj_mutex_lock(nint pop, nint mutexp);

    [LibraryImport(Lib)]
    public static partial int pmemobj_mutex_trylock(nint pop, nint mutexp);

    [LibraryImport(Lib)]
    public static partial int pmemobj_mutex_unlock(nint pop, nint mutexp);

    [LibraryImport(Lib)]
    public static partial int pmemobj_rwlock_trywrlock(nint pop, nint rwlockp);

    [LibraryImport(Lib)]
    public static partial int pmemobj_rwlock_unlock(nint pop, nint rwlockp);
}
