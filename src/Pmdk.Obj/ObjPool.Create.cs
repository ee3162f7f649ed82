// Creating an obj pool: header, descriptor, lanes, heap header, zone headers (PMDK: libpmemobj/obj.c pmemobj_create, obj_descr_create, heap_init).
using System.Text;
using Pmdk.Obj.Heap;
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;
using Pmdk.Pmem;
using Pmdk.Pool;

namespace Pmdk.Obj;

public sealed partial class ObjPool
{
    /// <summary>
    /// Creates a pool and opens it: a single file, or the parts (and local replicas) of a PMEMPOOLSET file. The
    /// bytes written are those Debian's libpmemobj 1.12.1 writes (spec §8): header with compat 0x1 / incompat 0x6,
    /// 1024 lanes, heap header, zones left uninitialized.
    /// </summary>
    /// <param name="path">The new file (must not exist), an existing file with an all-zero header when
    /// <paramref name="size"/> is 0, or a PMEMPOOLSET file (its parts are created with the sizes it gives).</param>
    /// <param name="layout">Layout name (at most 1023 UTF-8 bytes), or null.</param>
    /// <param name="size">Pool size; at least <see cref="MinPoolSize"/>. 0 uses the existing file or the set file's sizes.</param>
    /// <param name="options">Options.</param>
    /// <remarks>C: <c>pmemobj_create</c></remarks>
    public static ObjPool Create(string path, string? layout, ulong size, ObjPoolOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= ObjPoolOptions.Default;
        byte[] layoutBytes = layout is null ? [] : Encoding.UTF8.GetBytes(layout);
        if (layoutBytes.Length >= PoolDescriptor.MaxLayoutLength)
            throw new ArgumentException($"layout name is {layoutBytes.Length} bytes; at most {PoolDescriptor.MaxLayoutLength - 1} are allowed.", nameof(layout));
        if (size != 0 && size < MinPoolSize)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"pool size {size} smaller than {MinPoolSize}", path);

        PoolOptions poolOptions = options.ToPoolOptions();
        var replicas = new List<PoolReplica>();
        try
        {
            if (PoolSet.IsPoolSetFile(path))
            {
                PoolSet set = PoolSet.Load(path);
                PoolReplica.CheckSupported(set, PoolKind.Obj, create: true);
                ReplicaUuids? plan = set.Replicas.Count > 1 ? ReplicaUuids.New(set.Replicas.Count) : null;
                for (int r = 0; r < set.Replicas.Count; r++)
                    replicas.Add(PoolReplica.CreateReplica(set, r, PoolKind.Obj, poolOptions, plan));
            }
            else
            {
                replicas.Add(PoolReplica.Create(path, size, PoolKind.Obj, poolOptions));
            }
            PoolReplica[] all = [.. replicas];
            ObjMemory pool = Memory(all);
            WriteLayout(pool, layoutBytes);
            return Boot(all, pool);
        }
        catch
        {
            foreach (PoolReplica r in replicas)
            {
                bool delete = r.CreatedZeroed; // every part was made by this call (PMDK: DELETE_CREATED_PARTS)
                IReadOnlyList<string> parts = r.PartPaths;
                r.Dispose();
                if (delete)
                {
                    foreach (string part in parts)
                        File.Delete(part);
                }
            }
            throw;
        }
    }

    /// <summary>Opens the pool, or creates it when the file does not exist.</summary>
    public static ObjPool OpenOrCreate(string path, string? layout, ulong size, ObjPoolOptions? options = null) =>
        File.Exists(path) ? Open(path, layout, options) : Create(path, layout, size, options);

    private static void WriteLayout(ObjMemory pool, byte[] layout)
    {
        const ulong lanesOffset = 0x2000;
        const ulong laneCount = LaneLayout.DefaultLaneCount;
        ulong heapOffset = (lanesOffset + laneCount * LaneLayout.Size + 4095) & ~4095UL;
        ulong heapSize = pool.Size - heapOffset;
        if (heapSize < HeapLayout.MinHeapSize)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"heap size {heapSize} is smaller than the minimum {HeapLayout.MinHeapSize}", pool.Path);

        // Descriptor page (checksummed part, persistent fields, run-time area).
        pool.Span(PoolDescriptor.PoolOffset, 4096).Clear();
        ref PoolDescriptor d = ref pool.Ref<PoolDescriptor>(PoolDescriptor.PoolOffset);
        layout.CopyTo((Span<byte>)d.Layout);
        d.LanesOffset = lanesOffset;
        d.LaneCount = laneCount;
        d.HeapOffset = heapOffset;
        d.Checksum = d.ComputeChecksum();
        ref PoolDescriptorRuntime rt = ref pool.Ref<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset);
        rt.HeapSize = heapSize;
        pool.Flush(PoolDescriptor.PoolOffset, 4096);

        // Lanes: all zero but the three capacities.
        pool.Persistence.Fill(lanesOffset, 0, laneCount * LaneLayout.Size, PmemFlags.NoDrain);
        for (ulong i = 0; i < laneCount; i++)
        {
            ulong lane = lanesOffset + i * LaneLayout.Size;
            pool.Word(lane + LaneLayout.InternalOffset + 16) = LaneLayout.InternalCapacity;
            pool.Word(lane + LaneLayout.ExternalOffset + 16) = LaneLayout.ExternalCapacity;
            pool.Word(lane + LaneLayout.UndoOffset + 16) = LaneLayout.UndoCapacity;
        }
        pool.Flush(lanesOffset, laneCount * LaneLayout.Size);

        // Heap header, then each zone header and its first chunk header zeroed (zones initialize lazily).
        HeapHeader hh = HeapHeader.CreateDefault();
        pool.Ref<HeapHeader>(heapOffset) = hh;
        pool.Flush(heapOffset, HeapHeader.Size);
        int zones = HeapLayout.ZoneCount(heapSize);
        for (int z = 0; z < zones; z++)
        {
            ulong zone = heapOffset + HeapLayout.HeaderSize + (ulong)z * HeapLayout.ZoneMaxSize;
            pool.Span(zone, ZoneHeader.Size + ChunkHeader.Size).Clear();
            pool.Flush(zone, ZoneHeader.Size + ChunkHeader.Size);
        }
        pool.Drain();
    }
}
