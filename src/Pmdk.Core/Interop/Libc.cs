// The libc library name and small unistd helpers (sysconf, strerror).
using System.Runtime.InteropServices;

namespace Pmdk.Interop;

/// <summary>
/// Every libc entry point of the product. Loaded by the name "libc": on glibc, <c>libc.so</c> is a linker
/// script that cannot be loaded, while "libc" resolves to <c>libc.so.6</c>.
/// </summary>
internal static partial class Libc
{
    public const string LibName = "libc";

    public const int _SC_PAGESIZE = 30;

    [LibraryImport(LibName, SetLastError = true)]
    public static partial long sysconf(int name);

    [LibraryImport(LibName)]
    private static partial nint strerror(int errnum);

    /// <summary>The C text of an errno value.</summary>
    public static string StrError(int errno) => Marshal.PtrToStringUTF8(strerror(errno)) ?? $"errno {errno}";

    private static readonly long s_pageSize = sysconf(_SC_PAGESIZE);

    /// <summary>The system page size.</summary>
    public static long PageSize => s_pageSize;
}
