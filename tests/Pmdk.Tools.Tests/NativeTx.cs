// The few libpmemobj transaction calls the checker tests need (PMDK: libpmemobj/tx.c); test-only oracle P/Invoke.
using System.Runtime.InteropServices;

namespace Pmdk.Tools.Tests;

internal static partial class NativeTx
{
    private const string Lib = "libpmemobj.so.1";

    /// <summary><c>pmemobj_tx_begin(pop, NULL, TX_PARAM_NONE)</c>; the variadic list is just the terminator.</summary>
    [LibraryImport(Lib)]
    public static partial int pmemobj_tx_begin(nint pop, nint env, int paramNone);

    /// <summary><c>pmemobj_tx_add_range(PMEMoid, off, size)</c>: the 16-byte PMEMoid travels in two integer registers.</summary>
    [LibraryImport(Lib)]
    public static partial int pmemobj_tx_add_range(ulong oidPoolUuidLo, ulong oidOff, ulong offset, ulong size);

    /// <summary><c>pmemobj_tx_alloc</c>; returns the new PMEMoid's first word (pool_uuid_lo, non-zero on success).</summary>
    [LibraryImport(Lib)]
    public static partial ulong pmemobj_tx_alloc(nuint size, ulong typeNum);

    [LibraryImport(Lib)]
    public static partial void pmemobj_tx_commit();

    [LibraryImport(Lib)]
    public static partial int pmemobj_tx_end();
}
