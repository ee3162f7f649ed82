// open, close, fallocate, ftruncate, flock, unlink (libc, fcntl.h / unistd.h / sys/file.h).
using System.Runtime.InteropServices;
using off_t = long;

namespace Pmdk.Interop;

internal static partial class Libc
{
    public const int O_RDONLY = 0x0;
    public const int O_WRONLY = 0x1;
    public const int O_RDWR = 0x2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_TRUNC = 0x200;
    public const int O_DIRECTORY = 0x10000;
    public const int O_CLOEXEC = 0x80000;
    /// <summary>O_TMPFILE includes O_DIRECTORY, as in the kernel headers.</summary>
    public const int O_TMPFILE = 0x400000 | O_DIRECTORY;

    public const int FALLOC_FL_KEEP_SIZE = 0x01;
    public const int FALLOC_FL_PUNCH_HOLE = 0x02;

    public const int LOCK_SH = 1;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;

    [LibraryImport(LibName, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, uint mode);

    [LibraryImport(LibName, SetLastError = true)]
    public static partial int close(int fd);

    /// <summary>posix_fallocate returns the error number instead of setting errno.</summary>
    [LibraryImport(LibName)]
    public static partial int posix_fallocate(int fd, off_t offset, off_t len);

    [LibraryImport(LibName, SetLastError = true)]
    public static partial int fallocate(int fd, int mode, off_t offset, off_t len);

    [LibraryImport(LibName, SetLastError = true)]
    public static partial int ftruncate(int fd, off_t length);

    [LibraryImport(LibName, SetLastError = true)]
    public static partial int flock(int fd, int operation);

    [LibraryImport(LibName, SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport(LibName, EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlink(string path);

    [LibraryImport(LibName, SetLastError = true)]
    public static partial nint pread(int fd, ref byte buf, nuint count, off_t offset);

    [LibraryImport(LibName, SetLastError = true)]
    public static partial nint pwrite(int fd, ref byte buf, nuint count, off_t offset);

    [LibraryImport(LibName, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int memfd_create(string name, uint flags);
}
