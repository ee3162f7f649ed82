// Opening an obj pool: replicas, header, descriptor and heap checks, run_id, recovery (PMDK: libpmemobj/obj.c pmemobj_open, obj_runtime_init, obj_replicas_check_basic).
using System.Text;
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Replicas;
using Pmdk.Obj.Tx;
using Pmdk.Obj.Ulog;
using Pmdk.Pmem.Persistence;
using Pmdk.Pool;

namespace Pmdk.Obj;

public sealed partial class ObjPool
{
    /// <summary>Smallest obj pool. C: <c>PMEMOBJ_MIN_POOL</c>.</summary>
    public const ulong MinPoolSize = 8UL << 20;

    /// <summary>
    /// Opens a pool (a file or a PMEMPOOLSET file with parts and local replicas), checking it as libpmemobj does
    /// (spec §2.4, and every replica's headers, links and descriptor) and replaying interrupted operations.
    /// </summary>
    /// <param name="path">The pool file or set file.</param>
    /// <param name="layout">The expected layout name, or null to accept any.</param>
    /// <param name="options">Options (persistence provider, prefault).</param>
    /// <exception cref="PoolCorruptedException">A damaged or foreign file, a wrong layout, an inconsistent replica; the message names the field.</exception>
    /// <exception cref="PmemException">The file is missing, locked by another open, or unsupported.</exception>
    /// <remarks>C: <c>pmemobj_open</c></remarks>
    public static ObjPool Open(string path, string? layout, ObjPoolOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= ObjPoolOptions.Default;
        PoolReplica[] replicas = OpenReplicas(path, layout, options.ToPoolOptions(), copyOnWrite: options.CopyOnWriteAtOpen);
        try
        {
            return Boot(replicas, Memory(replicas));
        }
        catch
        {
            foreach (PoolReplica r in replicas)
                r.Dispose();
            throw;
        }
    }

    /// <summary>Opens and validates every replica of the pool (nothing is written before all checks pass).</summary>
    private static PoolReplica[] OpenReplicas(string path, string? layout, PoolOptions options, bool copyOnWrite)
    {
        if (!PoolSet.IsPoolSetFile(path))
        {
            PoolReplica single = copyOnWrite
                ? PoolReplica.OpenCopyOnWrite(path, PoolKind.Obj, r => ValidateReplica(r, layout))
                : PoolReplica.Open(path, PoolKind.Obj, options, r => ValidateReplica(r, layout));
            return [single];
        }
        PoolSet set = PoolSet.Load(path);
        PoolReplica.CheckSupported(set, PoolKind.Obj, create: false);
        var replicas = new List<PoolReplica>();
        try
        {
            // Every replica is checked before any of them is marked dirty: a refused set is left untouched.
            for (int r = 0; r < set.Replicas.Count; r++)
                replicas.Add(PoolReplica.OpenReplica(set, r, PoolKind.Obj, options, rep => ValidateReplica(rep, layout), copyOnWrite));
            if (replicas.Count > 1)
            {
                PoolReplica.CheckReplicaLinks(replicas);
                CheckReplicaDescriptors(replicas);
            }
            return [.. replicas];
        }
        catch
        {
            foreach (PoolReplica r in replicas)
                r.Dispose();
            throw;
        }
    }

    /// <summary>The pool's memory: the master's logical space, with persistence mirrored into the other replicas.</summary>
    private static unsafe ObjMemory Memory(PoolReplica[] replicas)
    {
        ulong size = replicas.Min(r => r.Size) & ~4095UL;
        PoolMemory master = replicas[0].Memory;
        if (replicas.Length == 1)
            return ObjMemory.ForReplica(master, size, master.Persistence);
        ObjMemory plain = ObjMemory.ForReplica(master, size, master.Persistence);
        IPersistence[] others = [.. replicas.Skip(1).Select(r => r.Memory.Persistence)];
        return ObjMemory.ForReplica(master, size, new ReplicatedPersistence(master.Persistence, plain.Base, others, size));
    }

    /// <summary>Obj checks of one replica after its headers passed (C: <c>obj_check_basic_local</c>).</summary>
    private static void ValidateReplica(PoolReplica replica, string? layout)
    {
        if (replica.IsReadOnly)
            throw new PmemException(PmemErrorCode.NotSupported, "an unknown ro_compat feature forces read-only mode, which is not supported", replica.Path);
        ulong size = replica.Size & ~4095UL;
        if (size < MinPoolSize)
            throw new PoolCorruptedException($"pool size {size} is smaller than the minimum obj pool size {MinPoolSize}", replica.PartPaths[0]);
        ValidateDescriptor(ObjMemory.ForReplica(replica.Memory, size, replica.Memory.Persistence), layout);
    }

    /// <summary>Every replica's descriptor equals the master's. C: <c>obj_replicas_check_basic</c>.</summary>
    private static void CheckReplicaDescriptors(List<PoolReplica> replicas)
    {
        ReadOnlySpan<byte> master = replicas[0].Memory.GetSpan(PoolDescriptor.PoolOffset, PoolDescriptor.Size);
        for (int r = 1; r < replicas.Count; r++)
        {
            if (!replicas[r].Memory.GetSpan(PoolDescriptor.PoolOffset, PoolDescriptor.Size).SequenceEqual(master))
                throw new PoolCorruptedException($"inconsistent replica: the pool descriptor of replica {r} differs from the master's (run pmempool sync)", replicas[r].PartPaths[0]);
        }
    }

    private static ObjPool Boot(PoolReplica[] replicas, ObjMemory pool)
    {
        ref PoolDescriptor d = ref pool.Ref<PoolDescriptor>(PoolDescriptor.PoolOffset);
        ref PoolDescriptorRuntime rt = ref pool.Ref<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset);
        if (rt.HeapSize == 0)
            pool.StoreWord(PoolDescriptorRuntime.HeapSizeField, pool.Size - d.HeapOffset);
        if (pool.Size < d.HeapOffset || rt.HeapSize > pool.Size - d.HeapOffset)
            throw new PoolCorruptedException($"field 'heap_size' {rt.HeapSize} exceeds the pool (size {pool.Size}, heap offset 0x{d.HeapOffset:x})", pool.Path);
        Heap.Heap.Check(pool, d.HeapOffset, rt.HeapSize);

        ulong runId = rt.RunId + 2;
        if (runId == 0)
            runId += 2;
        pool.StoreWord(PoolDescriptorRuntime.RunIdField, runId);

        ulong lanes = Math.Min(d.LaneCount, LaneLayout.DefaultLaneCount);
        LaneSet.RecoverRedo(pool, d.LanesOffset, lanes);
        UserLogBuffers.UnlinkFromRedoLogs(pool, d.LanesOffset, lanes);

        ulong uuidLo = ComputeUuidLo(pool);
        var objPool = new ObjPool(replicas, pool, uuidLo);
        objPool._alloc.Heap.RepairZones();
        for (ulong i = 0; i < lanes; i++)
        {
            ulong undo = d.LanesOffset + i * LaneLayout.Size + LaneLayout.UndoOffset;
            List<(ulong, ulong)>? ext = UndoLog.Recover(pool, undo);
            if (ext is { Count: > 0 })
                objPool._alloc.FreeExtensions(UserLogBuffers.WithoutUserBuffers(pool, undo, ext)); // lent buffers are unlinked, never freed
        }
        pool.StoreWord(PoolDescriptorRuntime.ConversionFlagsField, 0);
        return objPool;
    }

    /// <summary>The pool's uuid_lo: the XOR of the two halves of the poolset UUID, byte 0 most significant (spec §2.0).</summary>
    internal static ulong ComputeUuidLo(ObjMemory pool)
    {
        ReadOnlySpan<byte> u = pool.Span(24, 16);
        ulong lo = 0;
        for (int i = 0; i < 8; i++)
            lo = (lo << 8) | (byte)(u[i] ^ u[8 + i]);
        return lo;
    }

    private static void ValidateDescriptor(ObjMemory pool, string? layout)
    {
        ref PoolDescriptor d = ref pool.Ref<PoolDescriptor>(PoolDescriptor.PoolOffset);
        ulong sum = d.ComputeChecksum();
        if (sum != d.Checksum)
            throw new PoolCorruptedException($"invalid checksum of pool descriptor (field 'checksum': stored 0x{d.Checksum:x16}, computed 0x{sum:x16})", pool.Path);
        if (layout is not null)
        {
            ReadOnlySpan<byte> stored = d.Layout;
            int n = stored.IndexOf((byte)0);
            ReadOnlySpan<byte> name = n < 0 ? stored : stored[..n];
            byte[] wanted = Encoding.UTF8.GetBytes(layout);
            if (!name.SequenceEqual(wanted.AsSpan(0, Math.Min(wanted.Length, PoolDescriptor.MaxLayoutLength))))
            {
                throw new PoolCorruptedException(
                    $"wrong layout: the pool's field 'layout' is \"{Encoding.UTF8.GetString(name)}\", expected \"{layout}\"", pool.Path,
                    PmemErrorCode.PoolIncompatible);
            }
        }
        if (d.HeapOffset % 4096 != 0)
            throw new PoolCorruptedException($"unaligned heap: field 'heap_offset' 0x{d.HeapOffset:x}", pool.Path);
        if (d.LaneCount == 0 || d.LaneCount > 1UL << 20 || d.LanesOffset < PoolDescriptor.PoolOffset + 4096 ||
            d.LanesOffset % 64 != 0 || d.LanesOffset + Math.Min(d.LaneCount, LaneLayout.DefaultLaneCount) * LaneLayout.Size > d.HeapOffset)
        {
            throw new PoolCorruptedException(
                $"invalid lane geometry: fields 'lanes_offset' 0x{d.LanesOffset:x}, 'nlanes' {d.LaneCount}, 'heap_offset' 0x{d.HeapOffset:x}", pool.Path);
        }
        if (d.HeapOffset >= pool.Size)
            throw new PoolCorruptedException($"field 'heap_offset' 0x{d.HeapOffset:x} is beyond the pool size {pool.Size}", pool.Path);
        ulong runId = pool.Ref<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset).RunId;
        if (runId % 2 != 0)
            throw new PoolCorruptedException($"field 'run_id' {runId} is odd", pool.Path);
    }
}
