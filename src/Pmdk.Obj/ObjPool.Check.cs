// Read-only consistency check of an obj pool (PMDK: libpmemobj/obj.c pmemobj_check, obj_check_basic).
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;
using Pmdk.Pool;

namespace Pmdk.Obj;

public sealed partial class ObjPool
{
    /// <summary>
    /// Checks a closed pool without modifying it: header, descriptor, layout, heap walk, and that every
    /// committed redo log targets offsets inside the pool. Returns false (with the reason) when inconsistent.
    /// </summary>
    /// <remarks>C: <c>pmemobj_check</c></remarks>
    public static bool Check(string path, string? layout, out string? problem)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        problem = null;
        PoolReplica[] replicas;
        try
        {
            // Private mappings: whatever the checks touch never reaches the files.
            replicas = OpenReplicas(path, layout, PoolOptions.Default, copyOnWrite: true);
        }
        catch (PoolCorruptedException e)
        {
            problem = e.Message;
            return false;
        }
        try
        {
            ObjMemory pool = Memory(replicas);
            ref PoolDescriptor d = ref pool.Ref<PoolDescriptor>(PoolDescriptor.PoolOffset);
            ulong heapSize = pool.Ref<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset).HeapSize;
            if (heapSize == 0)
                heapSize = pool.Size - d.HeapOffset;
            Heap.Heap.Check(pool, d.HeapOffset, heapSize);
            ulong lanes = Math.Min(d.LaneCount, LaneLayout.DefaultLaneCount);
            for (ulong i = 0; i < lanes; i++)
            {
                ulong lane = d.LanesOffset + i * LaneLayout.Size;
                CheckRedoTargets(pool, lane + LaneLayout.InternalOffset, LaneLayout.InternalCapacity);
                CheckRedoTargets(pool, lane + LaneLayout.ExternalOffset, LaneLayout.ExternalCapacity);
            }
            return true;
        }
        catch (PoolCorruptedException e)
        {
            problem = e.Message;
            return false;
        }
        finally
        {
            foreach (PoolReplica r in replicas)
                r.Dispose();
        }
    }

    /// <summary>Whether the pool is consistent. C: <c>pmemobj_check</c>.</summary>
    public static bool Check(string path, string? layout) => Check(path, layout, out _);

    private static void CheckRedoTargets(ObjMemory pool, ulong ulog, ulong capacity)
    {
        long n = RedoLog.ValidLength(pool, ulog, capacity);
        for (long pos = 0; pos < n; pos += UlogValueEntry.Size)
        {
            ulong word = pool.Word(ulog + UlogHeader.Size + (ulong)pos);
            if (UlogEntry.IsBuffer(word))
                return;
            pool.CheckRange(word & UlogEntry.OffsetMask, 8, "redo entry offset");
        }
    }
}
