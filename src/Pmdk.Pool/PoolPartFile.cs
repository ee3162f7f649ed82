// One part file of a replica: created exclusively, fully allocated and flock'ed (PMDK: common/set.c util_part_open, file.c).
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Pmdk.Interop;

namespace Pmdk.Pool;

/// <summary>An open, exclusively locked part file.</summary>
internal sealed class PoolPartFile : IDisposable
{
    private PoolPartFile(string path, SafeFileHandle handle, ulong size, bool created)
    {
        Path = path;
        Handle = handle;
        Size = size;
        Created = created;
    }

    public string Path { get; }

    public SafeFileHandle Handle { get; }

    /// <summary>File size in bytes.</summary>
    public ulong Size { get; }

    /// <summary>Whether this process created the file (it reads as zeros and is removed if creation fails).</summary>
    public bool Created { get; }

    /// <summary>
    /// Creates the file with <c>O_EXCL</c> and no permissions, allocates <paramref name="size"/> bytes and locks it.
    /// The final mode is set by <see cref="Chmod"/> once the pool is complete (spec §4.2 steps 3 and 8).
    /// </summary>
    public static PoolPartFile Create(string path, ulong size)
    {
        int fd = Libc.open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw PmemIOException.FromLastError(path, "open(O_CREAT|O_EXCL)");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            int err = Libc.posix_fallocate(fd, 0, checked((long)size));
            if (err != 0)
                throw PmemIOException.FromErrno(err, path, "posix_fallocate");
            Lock(fd, path);
            return new PoolPartFile(path, handle, size, created: true);
        }
        catch
        {
            handle.Dispose();
            _ = Libc.unlink(path);
            throw;
        }
    }

    /// <summary>Opens an existing file read-write and locks it.</summary>
    public static PoolPartFile Open(string path, bool allocate = false)
    {
        int fd = Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno == Errno.EISDIR
                ? new PmemException(PmemErrorCode.InvalidFileType, "is a directory, not a pool file", path)
                : PmemIOException.FromErrno(errno, path, "open");
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (Libc.fstat(fd, out StatBuf st) != 0)
                throw PmemIOException.FromLastError(path, "fstat");
            if (!st.IsRegular)
                throw new PmemException(PmemErrorCode.InvalidFileType, "is not a regular file", path);
            Lock(fd, path);
            if (allocate && st.Size > 0)
            {
                int err = Libc.posix_fallocate(fd, 0, st.Size);
                if (err != 0)
                    throw PmemIOException.FromErrno(err, path, "posix_fallocate");
            }
            return new PoolPartFile(path, handle, (ulong)st.Size, created: false);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Takes <c>flock(LOCK_EX|LOCK_NB)</c>, as PMDK does on every part (spec §1.5).</summary>
    internal static void Lock(int fd, string path)
    {
        if (Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) == 0)
            return;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == Errno.EWOULDBLOCK)
        {
            throw new PmemIOException(PmemErrorCode.PoolLocked, errno,
                "the pool is in use by another process or handle (flock(LOCK_EX|LOCK_NB): Resource temporarily unavailable)", path);
        }
        throw PmemIOException.FromErrno(errno, path, "flock");
    }

    /// <summary>The file's ctime in seconds (what PMDK stores as <c>crtime</c>).</summary>
    public ulong CTime() => Libc.fstat((int)Handle.DangerousGetHandle(), out StatBuf st) == 0 ? (ulong)st.CTimeSec : 0;

    /// <summary>Sets the final mode. C: <c>chmod</c> in <c>util_pool_create</c>.</summary>
    public void Chmod(UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Handle, mode);
    }

    public void Dispose() => Handle.Dispose();
}
