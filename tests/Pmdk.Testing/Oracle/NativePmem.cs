// Test-only P/Invoke of Debian's libpmem.so.1 (PMDK 1.12.1), the oracle for libpmem behaviour.
using System.Runtime.InteropServices;

namespace Pmdk.Testing.Oracle;

/// <summary>Debian's libpmem. Tests that use it fail (never skip) when the library is missing.</summary>
public static unsafe partial class NativePmem
{
    private const string Lib = "libpmem.so.1";

    public const int PMEM_FILE_CREATE = 1 << 0;
    public const int PMEM_FILE_EXCL = 1 << 1;
    public const int PMEM_FILE_SPARSE = 1 << 2;
    public const int PMEM_FILE_TMPFILE = 1 << 3;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint pmem_map_file(string path, nuint len, int flags, uint mode, out nuint mappedLen, out int isPmem);

    [LibraryImport(Lib)]
    public static partial int pmem_unmap(nint addr, nuint len);

    [LibraryImport(Lib)]
    public static partial int pmem_is_pmem(nint addr, nuint len);

    [LibraryImport(Lib)]
    public static partial nint pmem_memcpy_persist(nint dst, nint src, nuint len);

    [LibraryImport(Lib)]
    public static partial nint pmem_memset_persist(nint dst, int c, nuint len);

    [LibraryImport(Lib)]
    public static partial void pmem_persist(nint addr, nuint len);

    [LibraryImport(Lib)]
    public static partial int pmem_msync(nint addr, nuint len);

    [LibraryImport(Lib)]
    public static partial int pmem_has_hw_drain();

    [LibraryImport(Lib)]
    public static partial int pmem_has_auto_flush();

    [LibraryImport(Lib)]
    private static partial nint pmem_errormsg();

    /// <summary>The C library's last error text.</summary>
    public static string ErrorMessage() => Marshal.PtrToStringUTF8(pmem_errormsg()) ?? "";
}
