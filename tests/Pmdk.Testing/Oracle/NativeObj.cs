// Test-only P/Invoke of Debian's libpmemobj.so.1 (PMDK 1.12.1), the oracle for obj pool compatibility.
using System.Runtime.InteropServices;

namespace Pmdk.Testing.Oracle;

/// <summary>C's <c>PMEMoid</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NativeOid
{
    public ulong PoolUuidLo;
    public ulong Off;
}

/// <summary>Debian's libpmemobj. Tests that use it fail (never skip) when the library is missing.</summary>
public static unsafe partial class NativeObj
{
    private const string Lib = "libpmemobj.so.1";

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint pmemobj_create(string path, string? layout, nuint poolsize, uint mode);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint pmemobj_open(string path, string? layout);

    [LibraryImport(Lib)]
    public static partial void pmemobj_close(nint pop);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pmemobj_check(string path, string? layout);

    [LibraryImport(Lib)]
    public static partial int pmemobj_alloc(nint pop, NativeOid* oidp, nuint size, ulong typeNum, nint ctor, nint arg);

    [LibraryImport(Lib)]
    public static partial int pmemobj_zalloc(nint pop, NativeOid* oidp, nuint size, ulong typeNum);

    [LibraryImport(Lib)]
    public static partial void pmemobj_free(NativeOid* oidp);

    [LibraryImport(Lib)]
    public static partial NativeOid pmemobj_first(nint pop);

    [LibraryImport(Lib)]
    public static partial NativeOid pmemobj_next(NativeOid oid);

    [LibraryImport(Lib)]
    public static partial ulong pmemobj_type_num(NativeOid oid);

    [LibraryImport(Lib)]
    public static partial nuint pmemobj_alloc_usable_size(NativeOid oid);

    [LibraryImport(Lib)]
    public static partial NativeOid pmemobj_root(nint pop, nuint size);

    [LibraryImport(Lib)]
    public static partial nuint pmemobj_root_size(nint pop);

    [LibraryImport(Lib)]
    public static partial nint pmemobj_direct(NativeOid oid);

    [LibraryImport(Lib)]
    public static partial nuint pmemobj_tx_log_snapshots_max_size(nuint* sizes, nuint nsizes);

    [LibraryImport(Lib)]
    public static partial nuint pmemobj_tx_log_intents_max_size(nuint nintents);

    [LibraryImport(Lib)]
    public static partial int pmemobj_tx_log_append_buffer(int type, nint addr, nuint size);

    [LibraryImport(Lib)]
    public static partial int pmemobj_tx_log_auto_alloc(int type, int onOff);

    [LibraryImport(Lib)]
    private static partial nint pmemobj_errormsg();

    /// <summary>The C library's last error text.</summary>
    public static string ErrorMessage() => Marshal.PtrToStringUTF8(pmemobj_errormsg()) ?? "";

    /// <summary>(offset, type, usable size) of every object in C's POBJ_FOREACH order.</summary>
    public static List<(ulong Off, ulong Type, ulong Usable)> Walk(nint pop)
    {
        var list = new List<(ulong, ulong, ulong)>();
        for (NativeOid o = pmemobj_first(pop); o.Off != 0; o = pmemobj_next(o))
            list.Add((o.Off, pmemobj_type_num(o), (ulong)pmemobj_alloc_usable_size(o)));
        return list;
    }

    /// <summary>Opens <paramref name="path"/> in C, walks it like <see cref="Walk(nint)"/> and closes it; throws if C cannot open it.</summary>
    public static List<(ulong Off, ulong Type, ulong Usable)> OpenAndWalk(string path, string layout)
    {
        nint pop = pmemobj_open(path, layout);
        if (pop == 0)
            throw new InvalidOperationException($"C cannot open {path}: {ErrorMessage()}");
        try
        {
            return Walk(pop);
        }
        finally
        {
            pmemobj_close(pop);
        }
    }
}
