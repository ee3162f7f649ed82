// The redo side of user log buffers: kept until the commit, linked into the lane's external redo chain for the publish (PMDK: libpmemobj/tx.c redo_userbufs, pmemobj_tx_commit).
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Tx;

internal sealed partial class TxContext
{
    /// <summary>Intent buffers appended in this transaction (header offset, data capacity), linked only at commit.</summary>
    public List<(ulong Header, ulong Capacity)>? RedoUserBuffers;

    /// <summary>Data bytes of <see cref="RedoUserBuffers"/>.</summary>
    public ulong RedoUserCapacity;

    /// <summary>Every buffer lent to this transaction (aligned header, end), of both logs: a buffer lent twice would loop the chain.</summary>
    public List<(ulong Start, ulong End)>? LentBuffers;

    /// <summary>Whether the commit may allocate redo extensions itself.</summary>
    public bool RedoAutoExtend = true;

    private ulong ExternalHead => Alloc.Lanes.LaneOffset(Lane) + LaneLayout.ExternalOffset;

    /// <summary>
    /// The extender for the commit's publish: the lane's own, or — when the transaction brought intent buffers or
    /// switched auto-allocation off — one that links those buffers now and never frees them.
    /// </summary>
    private IUlogExtender CommitExtender()
    {
        IUlogExtender lane = Alloc.ExtenderFor(Lane);
        if (RedoUserBuffers is not { Count: > 0 } && RedoAutoExtend)
            return lane;
        ulong head = ExternalHead;
        if (RedoUserBuffers is not null)
        {
            ulong gen = Memory.Ref<UlogHeader>(head).GenNum;
            foreach ((ulong header, ulong capacity) in RedoUserBuffers)
                UserLogBuffers.Link(Memory, head, header, capacity, gen);
        }
        return new UserBufferAwareExtender(Memory, head, lane, RedoAutoExtend);
    }

    /// <summary>After the publish (or its failure): the intent buffers leave the lane's chain.</summary>
    private void UnlinkRedoUserBuffers()
    {
        if (RedoUserBuffers is { Count: > 0 } && Lane >= 0)
            UserLogBuffers.Unlink(Memory, ExternalHead);
    }

    private void ResetUserBuffers()
    {
        RedoUserBuffers?.Clear();
        LentBuffers?.Clear();
        RedoUserCapacity = 0;
        RedoAutoExtend = true;
    }

    /// <summary>Records a buffer lent to this transaction; false when it overlaps one lent before.</summary>
    public bool TryLend(ulong start, ulong end)
    {
        LentBuffers ??= [];
        foreach ((ulong s, ulong e) in LentBuffers)
        {
            if (start < e && s < end)
                return false;
        }
        LentBuffers.Add((start, end));
        return true;
    }

    /// <summary>
    /// Whether the commit's intents fit the redo log without extensions, by PMDK's estimate of one 16-byte entry
    /// per action (C: <c>tx_action_reserve</c>): the lane's log, the intent buffers and extensions left linked.
    /// </summary>
    public bool IntentsFitWithoutExtending()
    {
        ulong capacity = LaneLayout.ExternalCapacity + RedoUserCapacity;
        ulong link = ExternalHead + 8;
        for (int hops = 0; hops < 1 << 16; hops++)
        {
            ulong next = Memory.Word(link);
            if (next == 0)
                break;
            ulong h = RedoLog.NextHeader(Memory, next);
            capacity += Memory.Ref<UlogHeader>(h).Capacity;
            link = h + 8;
        }
        return (ulong)ActionCount * UlogValueEntry.Size <= capacity;
    }
}
