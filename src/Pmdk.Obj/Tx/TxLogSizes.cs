// Buffer sizes a transaction needs for its snapshots or intents (PMDK: libpmemobj/tx.c pmemobj_tx_log_snapshots_max_size, pmemobj_tx_log_intents_max_size).
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Tx;

/// <summary>
/// How big a user log buffer (see <see cref="ObjTransaction.AppendLogBuffer(TxLogType, ulong, ulong)"/>) must be to
/// hold given snapshots or intents, by PMDK's formulas: every buffer carries a 64-byte ulog header, every snapshot
/// entry a 24-byte header and is padded to 64 bytes, every intent is a 16-byte entry; and a buffer larger than
/// the biggest allocation counts one more header pair for each such allocation it needs.
/// </summary>
public static class TxLogSizes
{
    private const ulong CacheLine = 64;
    private const ulong BufferOverhead = UlogHeader.Size;
    private const ulong SnapshotEntryOverhead = UlogBufferEntryHeader.Size;
    private const ulong IntentEntryOverhead = UlogValueEntry.Size;

    /// <summary>
    /// Bytes of a buffer able to hold one snapshot of each of <paramref name="sizes"/>; <see cref="ulong.MaxValue"/>
    /// when the sum overflows (C returns <c>SIZE_MAX</c> and sets <c>ERANGE</c>).
    /// </summary>
    /// <remarks>C: <c>pmemobj_tx_log_snapshots_max_size</c></remarks>
    public static ulong SnapshotsMaxSize(ReadOnlySpan<ulong> sizes)
    {
        ulong result = BufferOverhead;
        foreach (ulong s in sizes)
        {
            if (s + SnapshotEntryOverhead + CacheLine < s)
                return ulong.MaxValue;
            ulong entry = (s + SnapshotEntryOverhead + CacheLine - 1) & ~(CacheLine - 1);
            if (result + entry < result)
                return ulong.MaxValue;
            result += entry;
        }
        return WithAllocationOverhead(result, BufferOverhead + SnapshotEntryOverhead);
    }

    /// <summary>
    /// Bytes of a buffer able to hold <paramref name="intents"/> intents; <see cref="ulong.MaxValue"/> on overflow.
    /// </summary>
    /// <remarks>C: <c>pmemobj_tx_log_intents_max_size</c></remarks>
    public static ulong IntentsMaxSize(ulong intents)
    {
        if (intents > ulong.MaxValue / IntentEntryOverhead)
            return ulong.MaxValue;
        ulong entries = intents * IntentEntryOverhead;
        if (entries + CacheLine < entries)
            return ulong.MaxValue;
        ulong result = (entries + CacheLine - 1) & ~(CacheLine - 1);
        if (result + BufferOverhead < result)
            return ulong.MaxValue;
        result += BufferOverhead;
        return WithAllocationOverhead(result, BufferOverhead + IntentEntryOverhead);
    }

    /// <summary>Adds one buffer and entry header per maximal allocation the size spans; MaxValue is reserved for overflow.</summary>
    private static ulong WithAllocationOverhead(ulong result, ulong perAllocation)
    {
        ulong extra = result / ObjPool.MaxAllocSize * perAllocation;
        if (result + extra < result)
            return ulong.MaxValue;
        result += extra;
        return result;
    }
}
