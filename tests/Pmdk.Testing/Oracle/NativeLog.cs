// Test-only P/Invoke oracle to Debian's libpmemlog.so.1 (PMDK 1.12.1) (PMDK: libpmemlog/libpmemlog.h).
using System.Runtime.InteropServices;

// Test code calls the raw C entry points directly on purpose: they are the oracle.
#pragma warning disable CA1401

namespace Pmdk.Testing.Oracle;

/// <summary>
/// Debian's libpmemlog, used only by tests to prove byte compatibility. Every call fails with
/// <see cref="DllNotFoundException"/> when the library is missing, so oracle tests fail rather than skip.
/// </summary>
public static unsafe partial class NativeLog
{
    private const string Lib = "libpmemlog.so.1";

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint pmemlog_create(string path, nuint poolsize, uint mode);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint pmemlog_open(string path);

    [LibraryImport(Lib)]
    public static partial void pmemlog_close(nint plp);

    [LibraryImport(Lib)]
    public static partial nuint pmemlog_nbyte(nint plp);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int pmemlog_append(nint plp, byte* buf, nuint count);

    [LibraryImport(Lib)]
    public static partial long pmemlog_tell(nint plp);

    [LibraryImport(Lib)]
    public static partial void pmemlog_rewind(nint plp);

    [LibraryImport(Lib)]
    public static partial void pmemlog_walk(nint plp, nuint chunksize, delegate* unmanaged<byte*, nuint, void*, int> process, void* arg);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pmemlog_check(string path);

    [LibraryImport(Lib)]
    private static partial nint pmemlog_errormsg();

    /// <summary>The library's last error message.</summary>
    public static string ErrorMessage => Marshal.PtrToStringUTF8(pmemlog_errormsg()) ?? "";

    /// <summary>Creates a pool or throws with the library's message.</summary>
    public static nint Create(string path, ulong size, uint mode = 0b110_110_100)
    {
        nint p = pmemlog_create(path, (nuint)size, mode);
        if (p == 0)
            throw new InvalidOperationException($"pmemlog_create({path}) failed: {ErrorMessage}");
        return p;
    }

    /// <summary>Opens a pool or throws with the library's message.</summary>
    public static nint Open(string path)
    {
        nint p = pmemlog_open(path);
        if (p == 0)
            throw new InvalidOperationException($"pmemlog_open({path}) failed: {ErrorMessage}");
        return p;
    }

    /// <summary>Appends or throws.</summary>
    public static void Append(nint plp, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            if (pmemlog_append(plp, p, (nuint)data.Length) != 0)
                throw new InvalidOperationException($"pmemlog_append failed: {ErrorMessage}");
        }
    }

    /// <summary>The whole log content as pmemlog_walk(chunk 0) reports it.</summary>
    public static byte[] ReadAll(nint plp)
    {
        var sink = new List<byte>();
        GCHandle h = GCHandle.Alloc(sink);
        try
        {
            pmemlog_walk(plp, 0, &Collect, (void*)GCHandle.ToIntPtr(h));
        }
        finally
        {
            h.Free();
        }
        return [.. sink];
    }

    [UnmanagedCallersOnly]
    private static int Collect(byte* buf, nuint len, void* arg)
    {
        var sink = (List<byte>)GCHandle.FromIntPtr((nint)arg).Target!;
        sink.AddRange(new ReadOnlySpan<byte>(buf, (int)len));
        return 1;
    }
}
