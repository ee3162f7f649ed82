// Test-only P/Invoke of Debian's libpmemobj transaction API, driven step by step from C# (PMDK: include/libpmemobj/tx_base.h).
using System.Runtime.InteropServices;
using Pmdk.Testing.Oracle;

namespace Pmdk.Obj.Tests.Tx;

/// <summary>C's <c>PMEMoid</c> passed by value (declared here: the marshaller only treats this assembly's structs as blittable).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TxOid
{
    public ulong PoolUuidLo;
    public ulong Off;

    public static implicit operator TxOid(NativeOid o) => new() { PoolUuidLo = o.PoolUuidLo, Off = o.Off };

    public static implicit operator NativeOid(TxOid o) => new() { PoolUuidLo = o.PoolUuidLo, Off = o.Off };
}

/// <summary>The C transaction functions (thread-bound in C: call them from one test thread, synchronously).</summary>
internal static partial class NativeTx
{
    private const string Lib = "libpmemobj.so.1";

    /// <summary>C: <c>TX_STAGE_WORK</c>.</summary>
    public const int StageWork = 1;

    // Variadic in C: the parameter list ends with TX_PARAM_NONE (0); on x86-64 SysV a trailing int travels like a fixed one.
    [LibraryImport(Lib, EntryPoint = "pmemobj_tx_begin")]
    private static partial int TxBegin(nint pop, nint env, int paramNone);

    public static int pmemobj_tx_begin(nint pop) => TxBegin(pop, 0, 0);

    [LibraryImport(Lib)]
    public static partial int pmemobj_tx_add_range(TxOid oid, ulong hoff, nuint size);

    [LibraryImport(Lib)]
    public static partial TxOid pmemobj_tx_zalloc(nuint size, ulong typeNum);

    [LibraryImport(Lib)]
    public static partial int pmemobj_tx_free(TxOid oid);

    [LibraryImport(Lib)]
    public static partial void pmemobj_tx_commit();

    [LibraryImport(Lib)]
    public static partial void pmemobj_tx_abort(int errnum);

    [LibraryImport(Lib)]
    public static partial int pmemobj_tx_end();

    [LibraryImport(Lib)]
    public static partial int pmemobj_tx_stage();

    [LibraryImport(Lib)]
    public static partial void pmemobj_persist(nint pop, nint addr, nuint len);

    /// <summary>The C pool's (offset, type) of every object.</summary>
    public static List<(ulong Off, ulong Type)> Objects(nint pop) =>
        [.. NativeObj.Walk(pop).Select(o => (o.Off, o.Type))];

    public static void Check(int rc, string what)
    {
        if (rc != 0)
            throw new InvalidOperationException($"{what} failed ({rc}): {NativeObj.ErrorMessage()} {Marshal.GetLastPInvokeErrorMessage()}");
    }
}
