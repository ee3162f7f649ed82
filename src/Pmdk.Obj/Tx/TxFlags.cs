// Transaction stages and the flags of pmemobj_tx_xadd_range / pmemobj_tx_xalloc (PMDK: include/libpmemobj/tx_base.h).
namespace Pmdk.Obj.Tx;

/// <summary>The stage of the calling thread's transaction. C: <c>enum pobj_tx_stage</c>.</summary>
public enum TxStage
{
    /// <summary>No transaction. C: <c>TX_STAGE_NONE</c>.</summary>
    None,

    /// <summary>Inside the transaction body. C: <c>TX_STAGE_WORK</c>.</summary>
    Work,

    /// <summary>Committed; on-commit callbacks run. C: <c>TX_STAGE_ONCOMMIT</c>.</summary>
    OnCommit,

    /// <summary>Aborted; on-abort callbacks run. C: <c>TX_STAGE_ONABORT</c>.</summary>
    OnAbort,

    /// <summary>Ending; finally callbacks run. C: <c>TX_STAGE_FINALLY</c>.</summary>
    Finally,
}

/// <summary>Flags of <see cref="ObjTransaction.AddRange(PmemOid, ulong, ulong, TxAddFlags)"/>. Values are C's.</summary>
[Flags]
#pragma warning disable CA1711 // "Flags" is the C name's meaning.
public enum TxAddFlags : ulong
#pragma warning restore CA1711
{
    /// <summary>Snapshot, flush at commit, abort on error.</summary>
    None = 0,

    /// <summary>Do not flush the range at commit (the caller persists it). C: <c>POBJ_XADD_NO_FLUSH</c>.</summary>
    NoFlush = 1 << 1,

    /// <summary>Do not snapshot: the range is only flushed at commit and not restored at abort. C: <c>POBJ_XADD_NO_SNAPSHOT</c>.</summary>
    NoSnapshot = 1 << 2,

    /// <summary>The range is initialized (a Valgrind hint in C; accepted and ignored). C: <c>POBJ_XADD_ASSUME_INITIALIZED</c>.</summary>
    AssumeInitialized = 1 << 3,

    /// <summary>On failure throw without aborting the transaction. C: <c>POBJ_XADD_NO_ABORT</c>.</summary>
    NoAbort = 1 << 4,
}

/// <summary>Flags of <see cref="ObjTransaction.XAllocate"/>. Values are C's.</summary>
[Flags]
#pragma warning disable CA1711
public enum TxAllocFlags : ulong
#pragma warning restore CA1711
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Zero the object. C: <c>POBJ_XALLOC_ZERO</c>.</summary>
    Zero = 1 << 0,

    /// <summary>Do not flush the object at commit. C: <c>POBJ_XALLOC_NO_FLUSH</c>.</summary>
    NoFlush = 1 << 1,

    /// <summary>On failure throw without aborting the transaction. C: <c>POBJ_XALLOC_NO_ABORT</c>.</summary>
    NoAbort = 1 << 4,

    /// <summary>Bits 32–47: the arena id, set with <see cref="ObjTransaction.ArenaId"/>. C: <c>POBJ_ARENA_ID</c>.</summary>
    ArenaMask = 0xFFFFUL << 32,

    /// <summary>Bits 48–63: the allocation class id, set with <see cref="ObjTransaction.ClassId"/>. C: <c>POBJ_CLASS_ID</c>.</summary>
    ClassMask = 0xFFFFUL << 48,
}
