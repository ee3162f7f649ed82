// Rebuilding damaged local replicas of an obj pool set from a healthy one (PMDK: libpmempool/sync.c pmempool_sync, replica.c).
using Pmdk.Pool;

namespace Pmdk.Obj;

public sealed partial class ObjPool
{
    /// <summary>
    /// Repairs the local replicas of a closed pool set: finds a healthy replica (headers, links and descriptor
    /// valid, the master preferred), then for every damaged one creates its missing part files, rewrites its
    /// headers with the UUIDs its neighbours expect, and copies the whole pool from the healthy replica.
    /// </summary>
    /// <param name="path">The PMEMPOOLSET file.</param>
    /// <param name="options">Options (mode of recreated part files, persistence provider).</param>
    /// <returns>The indices of the replicas rebuilt (empty when all were healthy).</returns>
    /// <exception cref="PoolCorruptedException">No replica is healthy.</exception>
    /// <exception cref="PmemException">The set cannot be read, has remote replicas, or a part is locked (the pool is open).</exception>
    /// <remarks>C: <c>pmempool_sync</c> (<c>pmempool sync</c>)</remarks>
    public static IReadOnlyList<int> SyncReplicas(string path, ObjPoolOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        PoolOptions poolOptions = (options ?? ObjPoolOptions.Default).ToPoolOptions();
        PoolSet set = PoolSet.Load(path);
        PoolReplica.CheckSupported(set, PoolKind.Obj, create: false);
        int n = set.Replicas.Count;
        var opened = new PoolReplica?[n];
        try
        {
            for (int r = 0; r < n; r++)
                opened[r] = TryOpenHealthy(set, r, poolOptions);
            int healthy = Array.FindIndex(opened, r => r is not null);
            if (healthy < 0)
                throw new PoolCorruptedException("no healthy replica to synchronize from", path);
            MarkInconsistent(opened, healthy);

            PoolReplica source = opened[healthy]!;
            var part0 = new Guid[n];
            for (int r = 0; r < n; r++)
            {
                part0[r] = opened[r]?.Header.Uuid
                    ?? opened[(r + 1) % n]?.Header.PrevReplicaUuid
                    ?? opened[(r + n - 1) % n]?.Header.NextReplicaUuid
                    ?? Guid.NewGuid();
            }
            var plan = new ReplicaUuids(source.Header.PoolsetUuid, part0);
            var rebuilt = new List<int>();
            for (int r = 0; r < n; r++)
            {
                if (opened[r] is not null)
                    continue;
                using PoolReplica target = PoolReplica.OpenForRebuild(set, r, PoolKind.Obj, poolOptions);
                ulong size = Math.Min(source.Size, target.Size) & ~4095UL;
                if (size < MinPoolSize)
                    throw new PoolCorruptedException($"replica {r} is {target.Size} bytes, smaller than the minimum obj pool size", target.PartPaths[0]);
                const ulong Chunk = 1UL << 24;
                for (ulong off = 4096; off < size; off += Chunk)
                {
                    int len = (int)Math.Min(Chunk, size - off);
                    target.Memory.Persistence.Copy(off, source.Memory.GetSpan(off, len), Pmem.PmemFlags.NoDrain);
                }
                target.Memory.Persistence.Drain();
                // Headers last: the replica is valid again only once all its data is in place.
                PoolHeader template = source.Header;
                target.RewriteHeaders(in template, plan);
                rebuilt.Add(r);
            }
            return rebuilt;
        }
        finally
        {
            foreach (PoolReplica? r in opened)
                r?.Dispose();
        }
    }

    /// <summary>Opens replica <paramref name="index"/> read-only (copy-on-write) if its headers and descriptor are valid, else null.</summary>
    private static PoolReplica? TryOpenHealthy(PoolSet set, int index, PoolOptions options)
    {
        try
        {
            return PoolReplica.OpenReplica(set, index, PoolKind.Obj, options, r => ValidateReplica(r, null), copyOnWrite: true);
        }
        catch (PmemException e) when (e is PoolCorruptedException || e.Code is PmemErrorCode.FileNotFound or PmemErrorCode.InvalidArgument)
        {
            return null;
        }
    }

    /// <summary>Drops (as damaged) the replicas whose poolset UUID, replica links or descriptor disagree with <paramref name="healthy"/>.</summary>
    private static void MarkInconsistent(PoolReplica?[] opened, int healthy)
    {
        PoolReplica h = opened[healthy]!;
        ReadOnlySpan<byte> descriptor = h.Memory.GetSpan(PoolDescriptor.PoolOffset, PoolDescriptor.Size);
        int n = opened.Length;
        for (int r = 0; r < n; r++)
        {
            PoolReplica? rep = opened[r];
            if (rep is null || r == healthy)
                continue;
            bool consistent = rep.Header.PoolsetUuid == h.Header.PoolsetUuid &&
                rep.Memory.GetSpan(PoolDescriptor.PoolOffset, PoolDescriptor.Size).SequenceEqual(descriptor);
            PoolReplica? prev = opened[(r + n - 1) % n], next = opened[(r + 1) % n];
            if (prev is not null && rep.Header.PrevReplicaUuid != prev.Header.Uuid)
                consistent = false;
            if (next is not null && rep.Header.NextReplicaUuid != next.Header.Uuid)
                consistent = false;
            if (!consistent)
            {
                rep.Dispose();
                opened[r] = null;
            }
        }
    }
}
