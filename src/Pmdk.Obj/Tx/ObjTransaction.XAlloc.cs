// Transactional allocation from a registered allocation class (PMDK: libpmemobj/tx.c pmemobj_tx_xalloc with POBJ_CLASS_ID).

namespace Pmdk.Obj.Tx;

public sealed partial class ObjTransaction
{
    /// <summary>The flag selecting allocation class <paramref name="id"/> for <see cref="XAllocate"/>. C: <c>POBJ_CLASS_ID</c>.</summary>
    public static TxAllocFlags ClassId(int id) => (TxAllocFlags)(ulong)ObjPool.ClassId(id);

    /// <summary>The flag selecting arena <paramref name="id"/> (1-based) for <see cref="XAllocate"/>. C: <c>POBJ_ARENA_ID</c>.</summary>
    public static TxAllocFlags ArenaId(int id) => (TxAllocFlags)(ulong)ObjPool.ArenaId(id);

    /// <summary>
    /// Allocates with flags from allocation class <paramref name="classId"/> (registered through ctl
    /// <c>heap.alloc_class.*.desc</c>; 0 = best fit). C: <c>pmemobj_tx_xalloc</c> with <c>POBJ_CLASS_ID(classId)</c>.
    /// </summary>
    /// <exception cref="TransactionAbortedException">No such class, the class cannot hold the size, or no space; the transaction was aborted (unless <see cref="TxAllocFlags.NoAbort"/>).</exception>
    public PmemOid XAllocateFromClass(ulong size, ulong typeNumber, TxAllocFlags flags, int classId) =>
        AllocCommon(size, typeNumber, flags, 0, 0, null, classId);
}
