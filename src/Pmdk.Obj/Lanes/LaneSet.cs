// Lanes: per-thread slots holding redo and undo logs; acquisition and recovery at open (PMDK: libpmemobj/lane.c).
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Lanes;

/// <summary>The lanes of an open pool: exclusive acquisition and the DRAM operation contexts of each lane.</summary>
internal sealed class LaneSet
{
    private readonly ObjMemory _pool;
    private readonly int[] _busy;
    private readonly Operation?[] _external;
    private readonly Operation?[] _internal;

    public LaneSet(ObjMemory pool, ulong lanesOffset, int count)
    {
        _pool = pool;
        LanesOffset = lanesOffset;
        Count = count;
        _busy = new int[count];
        _external = new Operation?[count];
        _internal = new Operation?[count];
    }

    public ulong LanesOffset { get; }

    /// <summary>Lanes in use at run time (at most 1024, like PMDK).</summary>
    public int Count { get; }

    public ulong LaneOffset(int lane) => LanesOffset + (ulong)lane * LaneLayout.Size;

    /// <summary>Takes a free lane, preferring one derived from the thread id. C: <c>lane_hold</c>.</summary>
    public int Acquire()
    {
        int start = Environment.CurrentManagedThreadId % Count;
        for (int spin = 0; ; spin++)
        {
            for (int i = 0; i < Count; i++)
            {
                int lane = start + i;
                if (lane >= Count)
                    lane -= Count;
                if (Interlocked.CompareExchange(ref _busy[lane], 1, 0) == 0)
                    return lane;
            }
            Thread.SpinWait(spin < 10 ? 1 << spin : 1024);
        }
    }

    /// <summary>Returns a lane. C: <c>lane_release</c>.</summary>
    public void Release(int lane) => Volatile.Write(ref _busy[lane], 0);

    /// <summary>The external redo operation of a lane (atomic API).</summary>
    public Operation External(int lane) =>
        _external[lane] ??= new Operation(_pool, LaneOffset(lane) + LaneLayout.ExternalOffset, LaneLayout.ExternalCapacity);

    /// <summary>The internal redo operation of a lane (ulog extensions).</summary>
    public Operation Internal(int lane) =>
        _internal[lane] ??= new Operation(_pool, LaneOffset(lane) + LaneLayout.InternalOffset, LaneLayout.InternalCapacity);

    /// <summary>
    /// Replays committed redo logs of every lane, internal before external, lane by lane (spec §4.8 step 1).
    /// C: <c>lane_recover_and_section_boot</c> (redo part).
    /// </summary>
    public static int RecoverRedo(ObjMemory pool, ulong lanesOffset, ulong laneCount)
    {
        int replayed = 0;
        for (ulong i = 0; i < laneCount; i++)
        {
            ulong lane = lanesOffset + i * LaneLayout.Size;
            if (RedoLog.Recover(pool, lane + LaneLayout.InternalOffset, LaneLayout.InternalCapacity))
                replayed++;
            if (RedoLog.Recover(pool, lane + LaneLayout.ExternalOffset, LaneLayout.ExternalCapacity))
                replayed++;
        }
        return replayed;
    }
}
