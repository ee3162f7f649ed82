// The exception of an operation that aborted its transaction (PMDK: libpmemobj/tx.c obj_tx_abort and pmemobj_tx_errno).
namespace Pmdk.Obj.Tx;

/// <summary>
/// The transaction was aborted: by a failing transactional operation (the cause is <see cref="Exception.InnerException"/>),
/// by an inner transaction that was not committed, or explicitly. Its snapshots were restored.
/// </summary>
public sealed class TransactionAbortedException : PmemException
{
    /// <summary>Creates the exception.</summary>
    public TransactionAbortedException(string message, string? path = null, Exception? inner = null)
        : base(inner is PmemException p ? p.Code : PmemErrorCode.Unknown, message, path, inner)
    {
    }
}
