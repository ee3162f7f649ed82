// Ulog extensions: construction of a chained ulog inside a heap object, and the hook that allocates and frees them (PMDK: libpmemobj/ulog.c ulog_construct, lane.c lane_undo_extend/lane_redo_extend).
using Pmdk.Obj.Alloc;
using Pmdk.Pmem;

namespace Pmdk.Obj.Ulog;

/// <summary>Allocates and frees the extensions of one lane's ulogs (through that lane's internal redo log).</summary>
internal interface IUlogExtender
{
    /// <summary>Allocates an extension of <paramref name="requestSize"/> bytes and links it into the u64 at <paramref name="linkField"/>, atomically.</summary>
    void Extend(ulong linkField, ulong requestSize, ulong genNum);

    /// <summary>Frees every extension reachable from <paramref name="linkField"/>, last first, zeroing each link in the same log.</summary>
    void FreeChain(ulong linkField);
}

/// <summary>Sizes of extensions as PMDK requests them (spec §4.4).</summary>
internal static class UlogExtension
{
    /// <summary>Default <c>tx.cache.size</c>: the data capacity an undo extension is sized for.</summary>
    public const ulong DefaultUndoCacheSize = 32768;

    /// <summary>Bytes requested for an extension of <paramref name="capacity"/> data bytes. C: <c>SIZEOF_ALIGNED_ULOG</c>.</summary>
    public static ulong RequestSize(ulong capacity) => (UlogHeader.Size + capacity + 128 + 63) & ~63UL;

    /// <summary>Bytes requested for an undo extension (32 960).</summary>
    public static ulong UndoRequestSize => RequestSize(DefaultUndoCacheSize);

    /// <summary>Bytes requested for a redo extension (832).</summary>
    public static ulong RedoRequestSize => RequestSize(Lanes.LaneLayout.ExternalCapacity);
}

/// <summary>
/// Builds a ulog header inside a fresh extension object: at the first 64-byte boundary of the object, capacity
/// what fits, <c>gen_num</c> as given, the first 64 data bytes zeroed; flushed, not drained. C: <c>ulog_construct</c>.
/// </summary>
internal readonly struct UlogExtensionInit(ulong genNum) : IBlockInitializer
{
    public void Initialize(ObjMemory pool, ulong userOffset, ulong usableSize)
    {
        ulong header = (userOffset + 63) & ~63UL;
        ulong skew = header - userOffset;
        ulong capacity = ((((usableSize - UlogHeader.Size) & ~63UL) - skew) & ~63UL);
        ref UlogHeader h = ref pool.Ref<UlogHeader>(header);
        h = default;
        h.Capacity = capacity;
        h.GenNum = genNum;
        pool.Flush(header, UlogHeader.Size);
        pool.Persistence.Fill(header + UlogHeader.Size, 0, Math.Min(64, capacity), PmemFlags.NoDrain);
    }
}
