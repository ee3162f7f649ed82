// Shared checks for collection handles (PMDK: libpmemobj-cpp persistent_ptr checks).
using Pmdk.Obj.Tx;

namespace Pmdk.Obj.Collections;

/// <summary>Validation shared by the collections' Create/Open.</summary>
internal static class PersistentObject
{
    /// <summary>Throws unless <paramref name="tx"/> is in its work stage.</summary>
    public static void RequireTx(ObjTransaction tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        if (tx.Stage != TxStage.Work)
            throw new InvalidOperationException("the transaction is not in its work stage.");
    }

    /// <summary>Checks that <paramref name="oid"/> is a live object of <paramref name="pool"/> with the given type number and size.</summary>
    public static void CheckHeader(ObjPool pool, PmemOid oid, ulong typeNumber, ulong size, string what)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (oid.IsNull)
            throw new ArgumentException($"the {what} OID is null.", nameof(oid));
        ulong t = pool.TypeNumber(oid);
        if (t != typeNumber)
            throw new PoolCorruptedException($"object {oid} has type number 0x{t:x}, not a {what} (0x{typeNumber:x}).", pool.Path);
        if (pool.UsableSize(oid) < size)
            throw new PoolCorruptedException($"object {oid} is smaller than a {what} header ({size} bytes).", pool.Path);
    }
}
