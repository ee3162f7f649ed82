// User-supplied ulog buffers: construction, linking at the end of a lane's chain, unlinking (never freeing) (PMDK: libpmemobj/memops.c operation_user_buffer_verify_align, operation_add_user_buffer; ulog.c ulog_construct, ulog_free_next).
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;
using Pmdk.Pmem;

namespace Pmdk.Obj.Tx;

/// <summary>
/// A user buffer becomes a ulog of its own: a header at its first 64-byte boundary with the user-owned flag
/// (bit 0 of <c>flags</c>), linked at the end of the lane's undo or redo chain for one transaction. The pool
/// never frees such a ulog: it is unlinked after the commit or abort, and at open after a crash.
/// </summary>
internal static class UserLogBuffers
{
    /// <summary>C: <c>ULOG_USER_OWNED</c>.</summary>
    public const ulong UserOwnedFlag = 1;

    /// <summary>
    /// The header offset and data capacity of a buffer of <paramref name="size"/> bytes at <paramref name="offset"/>:
    /// the start rounded up to 64 bytes, the capacity after the header rounded down to 64, at least 64.
    /// C: <c>operation_user_buffer_verify_align</c>.
    /// </summary>
    public static bool TryAlign(ulong offset, ulong size, out ulong header, out ulong capacity)
    {
        header = (offset + 63) & ~63UL;
        capacity = 0;
        ulong skew = header - offset;
        if (size < skew + UlogHeader.Size + 64)
            return false;
        capacity = (size - skew - UlogHeader.Size) & ~63UL;
        return true;
    }

    /// <summary>Builds the ulog header and zeroes the first entry slot, durably. C: <c>ulog_construct</c> with <c>ULOG_USER_OWNED</c>.</summary>
    public static void Construct(ObjMemory pool, ulong header, ulong capacity, ulong genNum)
    {
        pool.CheckRange(header, UlogHeader.Size + capacity, "user log buffer");
        ref UlogHeader h = ref pool.Ref<UlogHeader>(header);
        h = default;
        h.Capacity = capacity;
        h.GenNum = genNum;
        h.Flags = UserOwnedFlag;
        pool.Flush(header, UlogHeader.Size);
        pool.Persistence.Fill(header + UlogHeader.Size, 0, 64, PmemFlags.NoDrain);
        pool.Drain();
    }

    /// <summary>Constructs the buffer and links it after the last ulog of the chain starting at <paramref name="head"/>.</summary>
    public static void Link(ObjMemory pool, ulong head, ulong header, ulong capacity, ulong genNum)
    {
        Construct(pool, header, capacity, genNum);
        ulong link = head + 8;
        for (int hops = 0; ; hops++)
        {
            ulong next = pool.Word(link);
            if (next == 0)
                break;
            if (hops > 1 << 16)
                throw new PoolCorruptedException($"ulog chain at 0x{head:x} does not end", pool.Path);
            link = RedoLog.NextHeader(pool, next) + 8;
        }
        pool.StoreWord(link, header);
    }

    /// <summary>
    /// Removes every user-owned ulog from the chain starting at <paramref name="head"/>: its predecessor's link takes
    /// its own link, durably. Returns whether anything was unlinked. C: <c>ulog_free_next</c> with <c>ULOG_ANY_USER_BUFFER</c>.
    /// </summary>
    public static bool Unlink(ObjMemory pool, ulong head)
    {
        bool any = false;
        ulong link = head + 8;
        for (int hops = 0; hops < 1 << 16; hops++)
        {
            ulong next = pool.Word(link);
            if (next == 0)
                break;
            ulong h = RedoLog.NextHeader(pool, next);
            ref UlogHeader u = ref pool.Ref<UlogHeader>(h);
            if ((u.Flags & UserOwnedFlag) != 0)
            {
                pool.StoreWord(link, u.Next);
                any = true;
                continue;
            }
            link = h + 8;
        }
        return any;
    }

    /// <summary>
    /// The extensions recovery may free: <paramref name="extensions"/> as given when none is user-owned; otherwise the
    /// user-owned ulogs are unlinked first and the chain is listed again (allocation, link field) in chain order.
    /// </summary>
    public static List<(ulong Object, ulong LinkField)> WithoutUserBuffers(ObjMemory pool, ulong head, List<(ulong Object, ulong LinkField)> extensions)
    {
        bool any = false;
        foreach ((ulong obj, _) in extensions)
            any |= (pool.Ref<UlogHeader>(RedoLog.NextHeader(pool, obj)).Flags & UserOwnedFlag) != 0;
        if (!any || !Unlink(pool, head))
            return extensions;
        var chain = new List<(ulong, ulong)>();
        ulong link = head + 8;
        for (int hops = 0; hops < 1 << 16; hops++)
        {
            ulong next = pool.Word(link);
            if (next == 0)
                break;
            chain.Add((next, link));
            link = RedoLog.NextHeader(pool, next) + 8;
        }
        return chain;
    }

    /// <summary>At open, after the redo logs were replayed: unlinks user buffers left in external redo chains by a crash.</summary>
    public static void UnlinkFromRedoLogs(ObjMemory pool, ulong lanesOffset, ulong laneCount)
    {
        for (ulong i = 0; i < laneCount; i++)
        {
            ulong head = lanesOffset + i * LaneLayout.Size + LaneLayout.ExternalOffset;
            if (pool.Word(head + 8) != 0)
                Unlink(pool, head);
        }
    }
}

/// <summary>A lane's extender that leaves user buffers alone: they are unlinked before the chain is freed.</summary>
internal sealed class UserBufferAwareExtender(ObjMemory pool, ulong head, IUlogExtender inner, bool autoExtend) : IUlogExtender
{
    public void Extend(ulong linkField, ulong requestSize, ulong genNum)
    {
        if (!autoExtend)
            throw new PoolFullException("the transaction's intent log is full and its automatic extension is off (pmemobj_tx_log_auto_alloc)", pool.Path);
        inner.Extend(linkField, requestSize, genNum);
    }

    public void FreeChain(ulong linkField)
    {
        UserLogBuffers.Unlink(pool, head);
        inner.FreeChain(linkField);
    }
}
