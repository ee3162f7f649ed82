// Allocating and freeing ulog extensions through a lane's internal redo log (PMDK: libpmemobj/lane.c lane_undo_extend, lane_redo_extend; pmalloc.c pmalloc_construct, pfree).
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Alloc;

internal sealed partial class PAllocator
{
    /// <summary>
    /// Allocates an internal object holding a ulog extension and links it into <paramref name="linkField"/>,
    /// both in one redo operation of <paramref name="lane"/>'s internal log (spec §4.4).
    /// </summary>
    public void AllocateUlogExtension(int lane, ulong linkField, ulong requestSize, ulong genNum)
    {
        _heap.EnsureBooted();
        var init = new UlogExtensionInit(genNum);
        var extra = new ExtraSets { Field2 = linkField, NewOffsetInValue2 = true };
        OperateCore(_lanes.Internal(lane), 0, requestSize, 0, AllocationHeader.FlagInternal, ref init, 0, in extra, null, null);
    }

    /// <summary>Frees every extension reachable from <paramref name="linkField"/>, last first, each with its link zeroed in the same log.</summary>
    public void FreeUlogChain(int lane, ulong linkField)
    {
        List<(ulong, ulong)>? chain = null;
        ulong link = linkField;
        for (int hops = 0; hops < 1 << 16; hops++)
        {
            ulong next = _pool.Word(link);
            if (next == 0)
                break;
            (chain ??= []).Add((next, link));
            link = RedoLog.NextHeader(_pool, next) + 8;
        }
        if (chain is not null)
            FreeExtensions(chain, lane, countStatistics: true);
    }

    /// <summary>The <see cref="IUlogExtender"/> of one lane.</summary>
    public IUlogExtender ExtenderFor(int lane)
    {
        IUlogExtender?[]? all = Volatile.Read(ref _extenders);
        if (all is null)
        {
            Interlocked.CompareExchange(ref _extenders, new IUlogExtender?[_lanes.Count], null);
            all = _extenders!;
        }
        // A lane is held by one thread at a time, so the slot is never raced.
        return all[lane] ??= new LaneExtender(this, lane);
    }

    private IUlogExtender?[]? _extenders;

    private sealed class LaneExtender(PAllocator alloc, int lane) : IUlogExtender
    {
        public void Extend(ulong linkField, ulong requestSize, ulong genNum) => alloc.AllocateUlogExtension(lane, linkField, requestSize, genNum);

        public void FreeChain(ulong linkField) => alloc.FreeUlogChain(lane, linkField);
    }
}
