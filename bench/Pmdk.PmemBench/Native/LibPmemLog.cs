// Debian's libpmemlog 1.12.1, the C anchor of the log workloads (PMDK: libpmemlog/libpmemlog.h).
using System.Runtime.InteropServices;

namespace Pmdk.PmemBench.Native;

/// <summary>C's <c>struct iovec</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    public void* Base;
    public nuint Length;
}

/// <summary>
/// The libpmemlog entry points the log workloads call. Append and appendv run single-threaded here: their rwlock is
/// never contended and they never call back into managed code, so they use
/// <see cref="SuppressGCTransitionAttribute"/> like the libpmem calls. Walk (one call per whole-log walk, with a
/// native callback), create and close keep the transition.
/// </summary>
internal static unsafe partial class LibPmemLog
{
    private const string Lib = "libpmemlog.so.1";

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint pmemlog_create(string path, nuint poolsize, uint mode);

    [LibraryImport(Lib)]
    public static partial void pmemlog_close(nint plp);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemlog_append(nint plp, void* buf, nuint count);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemlog_appendv(nint plp, IoVec* iov, int iovcnt);

    [LibraryImport(Lib)]
    public static partial void pmemlog_rewind(nint plp);

    [LibraryImport(Lib)]
    public static partial long pmemlog_tell(nint plp);

    [LibraryImport(Lib)]
    public static partial void pmemlog_walk(nint plp, nuint chunksize, delegate* unmanaged<void*, nuint, void*, int> process, void* arg);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pmemlog_ctl_get(nint plp, string name, void* arg);

    [LibraryImport(Lib)]
    private static partial byte* pmemlog_errormsg();

    /// <summary>libpmemlog's last error message of this thread.</summary>
    public static string ErrorMessage() => Marshal.PtrToStringUTF8((nint)pmemlog_errormsg()) ?? "(no message)";

    /// <summary>pmemlog_create (mode 0666) or an exception carrying libpmemlog's message.</summary>
    public static nint Create(string path, ulong size)
    {
        nint p = pmemlog_create(path, (nuint)size, 0b110_110_110);
        return p != 0 ? p : throw new InvalidOperationException($"pmemlog_create({path}): {ErrorMessage()}");
    }

    /// <summary>Throws when an append returned non-zero.</summary>
    public static void ThrowAppend() => throw new InvalidOperationException($"pmemlog_append: {ErrorMessage()}");
}
