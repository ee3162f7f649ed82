// mmap, munmap, msync, mprotect, madvise (libc, sys/mman.h).
using System.Runtime.InteropServices;
using off_t = long;
using size_t = nuint;

namespace Pmdk.Interop;

internal static unsafe partial class Libc
{
    public const int PROT_NONE = 0x0;
    public const int PROT_READ = 0x1;
    public const int PROT_WRITE = 0x2;
    public const int PROT_EXEC = 0x4;

    public const int MAP_SHARED = 0x01;
    public const int MAP_PRIVATE = 0x02;
    /// <summary>MAP_SHARED that fails on unknown flags instead of ignoring them: required for MAP_SYNC.</summary>
    public const int MAP_SHARED_VALIDATE = 0x03;
    public const int MAP_FIXED = 0x10;
    public const int MAP_ANONYMOUS = 0x20;
    public const int MAP_NORESERVE = 0x4000;
    public const int MAP_POPULATE = 0x8000;
    /// <summary>Page faults must make the file's metadata durable, so CPU flushes alone persist data (DAX only).</summary>
    public const int MAP_SYNC = 0x80000;
    public const int MAP_FIXED_NOREPLACE = 0x100000;

    public const int MS_ASYNC = 1;
    public const int MS_INVALIDATE = 2;
    public const int MS_SYNC = 4;

    public const int MADV_DONTFORK = 10;
    public const int MADV_HUGEPAGE = 14;

    public static readonly nint MAP_FAILED = -1;

    [LibraryImport(LibName, SetLastError = true)]
    public static partial nint mmap(nint addr, size_t length, int prot, int flags, int fd, off_t offset);

    [LibraryImport(LibName, SetLastError = true)]
    public static partial int munmap(nint addr, size_t length);

    [LibraryImport(LibName, SetLastError = true)]
    public static partial int msync(nint addr, size_t length, int flags);

    [LibraryImport(LibName, SetLastError = true)]
    public static partial int mprotect(nint addr, size_t length, int prot);

    [LibraryImport(LibName, SetLastError = true)]
    public static partial int madvise(nint addr, size_t length, int advice);
}
