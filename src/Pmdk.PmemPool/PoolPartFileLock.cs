// flock of a SafeFileHandle for the tools (PMDK: libpmempool/pool.c, common/file.c util_file_open).
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Pmdk.Interop;

namespace Pmdk.PmemPool;

internal static class PoolPartFileLock
{
    /// <summary>Takes <c>flock(LOCK_EX|LOCK_NB)</c>; a pool open elsewhere gives <see cref="PmemErrorCode.PoolLocked"/>.</summary>
    public static void Lock(SafeFileHandle handle, string path)
    {
        int fd = (int)handle.DangerousGetHandle();
        if (Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) == 0)
            return;
        int errno = Marshal.GetLastPInvokeError();
        throw errno == Errno.EWOULDBLOCK
            ? new PmemIOException(PmemErrorCode.PoolLocked, errno, "cannot lock the pool: Resource temporarily unavailable (it is open elsewhere)", path)
            : PmemIOException.FromErrno(errno, path, "flock");
    }
}
