// Debian's libpmemblk 1.12.1, the C anchor of the blk workloads (PMDK: libpmemblk/libpmemblk.h).
using System.Runtime.InteropServices;

namespace Pmdk.PmemBench.Native;

/// <summary>
/// The libpmemblk entry points the blk workloads call. Read and write use <see cref="SuppressGCTransitionAttribute"/>:
/// they never call back into managed code; with two threads a call may wait briefly on a lane mutex, which at worst
/// delays a GC (the timed loops do not allocate). Create and close keep the transition.
/// </summary>
internal static unsafe partial class LibPmemBlk
{
    private const string Lib = "libpmemblk.so.1";

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint pmemblk_create(string path, nuint bsize, nuint poolsize, uint mode);

    [LibraryImport(Lib)]
    public static partial void pmemblk_close(nint pbp);

    [LibraryImport(Lib)]
    public static partial nuint pmemblk_nblock(nint pbp);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemblk_read(nint pbp, void* buf, long blockno);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemblk_write(nint pbp, void* buf, long blockno);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pmemblk_ctl_get(nint pbp, string name, void* arg);

    [LibraryImport(Lib)]
    private static partial byte* pmemblk_errormsg();

    /// <summary>libpmemblk's last error message of this thread.</summary>
    public static string ErrorMessage() => Marshal.PtrToStringUTF8((nint)pmemblk_errormsg()) ?? "(no message)";

    /// <summary>pmemblk_create (mode 0666) or an exception carrying libpmemblk's message.</summary>
    public static nint Create(string path, ulong blockSize, ulong size)
    {
        nint p = pmemblk_create(path, (nuint)blockSize, (nuint)size, 0b110_110_110);
        return p != 0 ? p : throw new InvalidOperationException($"pmemblk_create({path}): {ErrorMessage()}");
    }

    /// <summary>Throws when a read or write returned non-zero.</summary>
    public static void ThrowIo(string call, long block) =>
        throw new InvalidOperationException($"{call}({block}): {ErrorMessage()}");
}
