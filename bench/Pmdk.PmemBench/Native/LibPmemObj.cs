// Debian's libpmemobj 1.12.1, the C anchor of the obj workloads (PMDK: libpmemobj/base.h, pool_base.h, atomic_base.h, iterator_base.h).
using System.Runtime.InteropServices;

namespace Pmdk.PmemBench.Native;

/// <summary>C's <c>PMEMoid</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeOid
{
    public ulong PoolUuidLo;
    public ulong Off;
}

/// <summary>
/// The libpmemobj entry points the obj workloads call. The per-op calls (alloc, free, root, direct, first, next) use
/// <see cref="SuppressGCTransitionAttribute"/>: they never call back into managed code (no constructor is passed);
/// with two threads an alloc may wait briefly on an arena or lane mutex, which at worst delays a GC (the timed loops
/// do not allocate). Create, open and close map files and keep the transition. C callers get
/// <c>pmemobj_direct</c> as an inline function with a thread-local pool cache; the exported function called here
/// does the same lookup without inlining.
/// </summary>
internal static unsafe partial class LibPmemObj
{
    private const string Lib = "libpmemobj.so.1";

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint pmemobj_create(string path, string? layout, nuint poolsize, uint mode);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint pmemobj_open(string path, string? layout);

    [LibraryImport(Lib)]
    public static partial void pmemobj_close(nint pop);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemobj_alloc(nint pop, NativeOid* oidp, nuint size, ulong typeNum, nint ctor, nint arg);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial void pmemobj_free(NativeOid* oidp);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial NativeOid pmemobj_root(nint pop, nuint size);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial void* pmemobj_direct(NativeOid oid);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial NativeOid pmemobj_first(nint pop);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial NativeOid pmemobj_next(NativeOid oid);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pmemobj_ctl_get(nint pop, string name, void* arg);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int pmemobj_ctl_set(nint pop, string name, void* arg);

    [LibraryImport(Lib)]
    private static partial byte* pmemobj_errormsg();

    /// <summary>libpmemobj's last error message of this thread.</summary>
    public static string ErrorMessage() => Marshal.PtrToStringUTF8((nint)pmemobj_errormsg()) ?? "(no message)";

    /// <summary>pmemobj_create (mode 0666) or an exception carrying libpmemobj's message.</summary>
    public static nint Create(string path, string layout, ulong size)
    {
        nint p = pmemobj_create(path, layout, (nuint)size, 0b110_110_110);
        return p != 0 ? p : throw new InvalidOperationException($"pmemobj_create({path}): {ErrorMessage()}");
    }

    /// <summary>pmemobj_open or an exception carrying libpmemobj's message.</summary>
    public static nint Open(string path, string layout)
    {
        nint p = pmemobj_open(path, layout);
        return p != 0 ? p : throw new InvalidOperationException($"pmemobj_open({path}): {ErrorMessage()}");
    }

    /// <summary>The variable libpmemobj reads its ctl config from.</summary>
    public const string ConfigVariable = "PMEMOBJ_CONF";

    /// <summary>
    /// Switches prefault at create/open on or off: sets or removes <see cref="ConfigVariable"/> (libpmemobj re-reads
    /// it at every create and open, so a ctl_set alone is undone by the next create) and sets the global ctls.
    /// </summary>
    public static void SetPrefault(bool on, string config)
    {
        if (on)
            LibC.SetEnvironment(ConfigVariable, config);
        else
            LibC.UnsetEnvironment(ConfigVariable);
        int v = on ? 1 : 0;
        if (pmemobj_ctl_set(0, "prefault.at_create", &v) != 0 || pmemobj_ctl_set(0, "prefault.at_open", &v) != 0)
            throw new InvalidOperationException($"pmemobj_ctl_set(prefault.*): {ErrorMessage()}");
    }

    /// <summary>Throws when an alloc returned non-zero.</summary>
    public static void ThrowAlloc() => throw new InvalidOperationException($"pmemobj_alloc: {ErrorMessage()}");
}
