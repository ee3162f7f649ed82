// Root of the one exception hierarchy of PMDK for .NET.
namespace Pmdk;

/// <summary>
/// Base of every failure the library reports about files, mappings and pools.
/// Carries a PMDK-style <see cref="Code"/> and, where one is involved, the <see cref="Path"/>.
/// Caller bugs (null arguments, negative counts) use the standard <see cref="ArgumentException"/> family instead.
/// </summary>
public class PmemException : Exception
{
    /// <summary>Creates an exception with a code, a message and an optional file path.</summary>
    public PmemException(PmemErrorCode code, string message, string? path = null, Exception? inner = null)
        : base(Compose(message, path), inner)
    {
        Code = code;
        Path = path;
    }

    /// <summary>The PMDK-style reason.</summary>
    public PmemErrorCode Code { get; }

    /// <summary>The file the failure is about, when there is one.</summary>
    public string? Path { get; }

    private static string Compose(string message, string? path) =>
        path is null ? message : $"{path}: {message}";
}

/// <summary>An operating-system call failed (errno).</summary>
public class PmemIOException : PmemException
{
    /// <summary>Creates an errno-based exception.</summary>
    public PmemIOException(PmemErrorCode code, int errno, string message, string? path = null)
        : base(code, message, path)
    {
        Errno = errno;
    }

    /// <summary>The errno value reported by the failing call.</summary>
    public int Errno { get; }

    /// <summary>
    /// The only errno translator of the library: maps the errno of <paramref name="operation"/> to a code and message.
    /// </summary>
    public static PmemIOException FromErrno(int errno, string? path, string operation)
    {
        PmemErrorCode code = errno switch
        {
            Interop.Errno.ENOENT => PmemErrorCode.FileNotFound,
            Interop.Errno.EEXIST => PmemErrorCode.FileExists,
            Interop.Errno.EACCES or Interop.Errno.EPERM or Interop.Errno.EROFS => PmemErrorCode.AccessDenied,
            Interop.Errno.EWOULDBLOCK => PmemErrorCode.PoolLocked,
            Interop.Errno.ENOTSUP or Interop.Errno.EOPNOTSUPP => PmemErrorCode.NotSupported,
            _ => PmemErrorCode.Errno,
        };
        string text = Interop.Libc.StrError(errno);
        return new PmemIOException(code, errno, $"{operation} failed: {text} (errno {errno})", path);
    }

    /// <summary>Translates the errno of the last failed libc call.</summary>
    public static PmemIOException FromLastError(string? path, string operation) =>
        FromErrno(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), path, operation);
}

/// <summary>A pool or file content is damaged or foreign; the file was left untouched.</summary>
public class PoolCorruptedException : PmemException
{
    /// <summary>Creates the exception naming the damaged field.</summary>
    public PoolCorruptedException(string message, string? path = null, PmemErrorCode code = PmemErrorCode.PoolCorrupted)
        : base(code, message, path)
    {
    }
}

/// <summary>A pool has no room for the requested allocation (C: <c>ENOMEM</c>).</summary>
public class PoolFullException : PmemException
{
    /// <summary>Creates the exception.</summary>
    public PoolFullException(string message, string? path = null)
        : base(PmemErrorCode.PoolFull, message, path)
    {
    }
}
