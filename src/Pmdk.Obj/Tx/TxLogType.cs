// Which log of a transaction a user buffer extends (PMDK: include/libpmemobj/tx_base.h enum pobj_log_type).
namespace Pmdk.Obj.Tx;

/// <summary>The two logs of a transaction.</summary>
/// <remarks>C: <c>enum pobj_log_type</c></remarks>
public enum TxLogType
{
    /// <summary>The undo log that holds snapshots of ranges added to the transaction. C: <c>TX_LOG_TYPE_SNAPSHOT</c>.</summary>
    Snapshot = 0,

    /// <summary>The redo log that holds the commit's intents (allocations, frees, sets). C: <c>TX_LOG_TYPE_INTENT</c>.</summary>
    Intent = 1,
}
