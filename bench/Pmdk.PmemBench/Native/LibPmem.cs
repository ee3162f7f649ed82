// Debian's libpmem 1.12.1, the C anchor of the side-by-side harness (PMDK: libpmem/libpmem.h).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pmdk.PmemBench.Native;

/// <summary>
/// The libpmem entry points the workloads call. The copy, fill and persist calls are short, never block and
/// never call back, so they use <see cref="SuppressGCTransitionAttribute"/>: the C side then pays about what a
/// native caller pays. Calls that may sleep in the kernel (map, unmap, msync) keep the GC transition.
/// </summary>
internal static unsafe partial class LibPmem
{
    private const string Lib = "libpmem.so.1";

    public const int PMEM_FILE_CREATE = 1 << 0;
    public const int PMEM_FILE_EXCL = 1 << 1;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void* pmem_map_file(string path, nuint len, int flags, uint mode, nuint* mappedLen, int* isPmem);

    [LibraryImport(Lib)]
    public static partial int pmem_unmap(void* addr, nuint len);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial void* pmem_memcpy_persist(void* dst, void* src, nuint len);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial void* pmem_memset_persist(void* dst, int c, nuint len);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial void pmem_persist(void* addr, nuint len);

    [LibraryImport(Lib)]
    public static partial int pmem_msync(void* addr, nuint len);

    [LibraryImport(Lib)]
    public static partial int pmem_is_pmem(void* addr, nuint len);

    [LibraryImport(Lib)]
    private static partial byte* pmem_errormsg();

    /// <summary>libpmem's last error message of this thread.</summary>
    public static string ErrorMessage() => Marshal.PtrToStringUTF8((nint)pmem_errormsg()) ?? "(no message)";

    /// <summary>pmem_map_file or an exception carrying libpmem's message.</summary>
    public static byte* MapFile(string path, ulong length, int flags, out ulong mappedLength, out bool isPmem)
    {
        nuint len;
        int pm;
        void* p = pmem_map_file(path, (nuint)length, flags, 0b110_110_110, &len, &pm);
        if (p == null)
            throw new InvalidOperationException($"pmem_map_file({path}): {ErrorMessage()}");
        mappedLength = len;
        isPmem = pm != 0;
        return (byte*)p;
    }

    /// <summary>pmem_unmap or an exception.</summary>
    public static void Unmap(byte* address, ulong length)
    {
        if (pmem_unmap(address, (nuint)length) != 0)
            throw new InvalidOperationException($"pmem_unmap: {ErrorMessage()}");
    }

    /// <summary>pmem_msync or an exception.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Msync(byte* address, ulong length)
    {
        if (pmem_msync(address, (nuint)length) != 0)
            ThrowMsync();
    }

    private static void ThrowMsync() => throw new InvalidOperationException($"pmem_msync: {ErrorMessage()}");
}
