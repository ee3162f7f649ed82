// Debian's libpmemobj 1.12.1 transactions, atomic lists and persistent mutexes for the tx workloads (PMDK: include/libpmemobj/tx_base.h, lists_atomic_base.h, thread.h).
using System.Runtime.InteropServices;

namespace Pmdk.PmemBench.Native;

/// <summary>
/// The transaction entry points called directly, as <c>TX_BEGIN</c>/<c>TX_END</c> expand to without a
/// <c>jmp_buf</c>: <c>pmemobj_tx_begin(pop, NULL, TX_PARAM_NONE)</c>, the body's calls, <c>pmemobj_tx_commit()</c>,
/// <c>pmemobj_tx_end()</c>. With no <c>jmp_buf</c> a failure inside the transaction aborts the process, which is
/// acceptable in a bench. All per-op calls use <see cref="SuppressGCTransitionAttribute"/>: no callback is
/// registered, and a call can at most wait briefly on a lane, arena or list mutex.
/// </summary>
internal static unsafe partial class LibPmemObj
{
    /// <summary>C: <c>TX_PARAM_NONE</c>.</summary>
    public const int TxParamNone = 0;

    /// <summary>
    /// C: <c>int pmemobj_tx_begin(PMEMobjpool *pop, jmp_buf env, ...)</c>, called with a null env and the
    /// terminating <c>TX_PARAM_NONE</c>. The function is variadic; on x86-64 its prologue only tests <c>al</c>
    /// for whether to spill vector registers, so a fixed-argument call is safe.
    /// </summary>
    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemobj_tx_begin(nint pop, nint env, int param);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial void pmemobj_tx_commit();

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemobj_tx_end();

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemobj_tx_add_range(NativeOid oid, ulong offset, nuint size);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial NativeOid pmemobj_tx_xalloc(nuint size, ulong typeNum, ulong flags);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemobj_tx_free(NativeOid oid);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemobj_zalloc(nint pop, NativeOid* oidp, nuint size, ulong typeNum);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemobj_list_insert(nint pop, nuint peOffset, void* head, NativeOid dest, int before, NativeOid oid);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemobj_list_remove(nint pop, nuint peOffset, void* head, NativeOid oid, int free);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemobj_mutex_lock(nint pop, void* mutexp);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial int pmemobj_mutex_unlock(nint pop, void* mutexp);

    /// <summary>Throws for a failed call, with libpmemobj's message.</summary>
    public static void Throw(string call) => throw new InvalidOperationException($"{call}: {ErrorMessage()}");
}
