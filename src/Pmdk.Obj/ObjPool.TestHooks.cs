// Test hooks: every allocated block, internal ones included, and the ulog extensions linked from the lanes (PMDK: libpmemobj/heap.c heap_foreach_object, lane.c).
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj;

public sealed partial class ObjPool
{
    /// <summary>Every allocated block: user offset and whether it is internal (root, ulog extensions).</summary>
    internal List<(ulong Offset, bool Internal)> TestHookAllocatedBlocks()
    {
        lock (_alloc.SyncRoot)
            return _alloc.Heap.TestHookAllocatedBlocks();
    }

    /// <summary>User offsets of the extension objects chained from every lane's three ulogs.</summary>
    internal HashSet<ulong> TestHookLaneExtensions()
    {
        var set = new HashSet<ulong>();
        for (int lane = 0; lane < _lanes.Count; lane++)
        {
            ulong l = _lanes.LaneOffset(lane);
            foreach (int log in (ReadOnlySpan<int>)[LaneLayout.InternalOffset, LaneLayout.ExternalOffset, LaneLayout.UndoOffset])
            {
                ulong link = l + (ulong)log + 8;
                for (int hops = 0; hops < 1 << 16; hops++)
                {
                    ulong next = _pool.Word(link);
                    if (next == 0 || !set.Add(next))
                        break;
                    link = RedoLog.NextHeader(_pool, next) + 8;
                }
            }
        }
        return set;
    }

    /// <summary>The 8-byte word at a pool offset (bounds-checked).</summary>
    internal ulong TestHookWord(ulong offset) => _pool.Word(offset);

    /// <summary>The heap, for tests.</summary>
    internal Heap.Heap TestHookHeap => _alloc.Heap;
}
