// Replica links across the replicas of a set, and header rewriting for a replica rebuilt by sync (PMDK: common/set.c util_header_check_remote-free part, libpmempool/replica.c).
namespace Pmdk.Pool;

/// <summary>The UUIDs a set's replicas share: the poolset UUID and the part-0 UUID of every replica, in order.</summary>
/// <param name="PoolsetUuid">The poolset UUID of every header.</param>
/// <param name="Part0">The part-0 UUID of each replica (what neighbours store as replica links).</param>
internal sealed record ReplicaUuids(Guid PoolsetUuid, IReadOnlyList<Guid> Part0)
{
    /// <summary>Fresh UUIDs for a new set of <paramref name="replicas"/> replicas.</summary>
    public static ReplicaUuids New(int replicas) => new(Guid.NewGuid(), [.. Enumerable.Range(0, replicas).Select(_ => Guid.NewGuid())]);
}

public sealed partial class PoolReplica
{
    /// <summary>Index of this replica in its set (0 = the master).</summary>
    public int ReplicaIndex { get; private set; }

    /// <summary>
    /// Spec §3.10, last step, for a set with several replicas: every replica has the master's poolset UUID, and
    /// every header of replica r links the part 0 of replicas r−1 and r+1 (a ring).
    /// </summary>
    /// <exception cref="PoolCorruptedException">A UUID does not match (the message names the part file and the field).</exception>
    internal static void CheckReplicaLinks(IReadOnlyList<PoolReplica> replicas)
    {
        int n = replicas.Count;
        Guid poolset = replicas[0].Header.PoolsetUuid;
        for (int r = 0; r < n; r++)
        {
            PoolReplica rep = replicas[r];
            Guid prev = replicas[(r + n - 1) % n].Header.Uuid, next = replicas[(r + 1) % n].Header.Uuid;
            for (int p = 0; p < rep.HeaderCount; p++)
            {
                PoolHeader h = PoolHeader.Read(rep.HeaderSpan(p));
                string file = rep._files[p].Path;
                if (h.PoolsetUuid != poolset)
                    throw new PoolCorruptedException($"wrong pool set UUID: replica {r} header field 'poolset_uuid' is {h.PoolsetUuid}, replica 0 has {poolset}", file);
                if (h.PrevReplicaUuid != prev)
                    throw new PoolCorruptedException($"wrong replica UUID: replica {r} header field 'prev_repl_uuid' is {h.PrevReplicaUuid}, replica {(r + n - 1) % n} part 0 has uuid {prev}", file);
                if (h.NextReplicaUuid != next)
                    throw new PoolCorruptedException($"wrong replica UUID: replica {r} header field 'next_repl_uuid' is {h.NextReplicaUuid}, replica {(r + 1) % n} part 0 has uuid {next}", file);
            }
        }
    }

    /// <summary>
    /// Creates the missing part files of replica <paramref name="index"/> (sized as the set file says) and maps
    /// the replica without any header check, for a rebuild.
    /// </summary>
    internal static PoolReplica OpenForRebuild(PoolSet set, int index, PoolKind kind, PoolOptions options)
    {
        foreach (PoolSetPart part in ResolveParts(set, index, kind, create: false))
        {
            if (!File.Exists(part.Path))
            {
                using PoolPartFile created = PoolPartFile.Create(part.Path, part.Size);
                created.Chmod(options.Mode);
            }
        }
        return OpenReplica(set, index, kind, options, null, copyOnWrite: false, validateHeaders: false);
    }

    /// <summary>
    /// Rewrites every header of this replica from <paramref name="template"/> (the header of a healthy replica):
    /// part 0 gets the UUID its neighbours link to, other parts keep their UUID when their header is intact, links
    /// are recomputed, and the shutdown state is clean. C: <c>pmempool sync</c> (header recreation).
    /// </summary>
    internal void RewriteHeaders(in PoolHeader template, ReplicaUuids plan)
    {
        int n = HeaderCount;
        var uuids = new Guid[n];
        for (int p = 0; p < n; p++)
        {
            PoolHeader old = PoolHeader.Read(HeaderSpan(p));
            bool intact = old.ChecksumValid && old.PoolsetUuid == plan.PoolsetUuid && old.Uuid != Guid.Empty;
            uuids[p] = p == 0 ? plan.Part0[ReplicaIndex] : intact ? old.Uuid : Guid.NewGuid();
        }
        int replicas = plan.Part0.Count;
        for (int p = 0; p < n; p++)
        {
            PoolHeader h = template;
            h.PoolsetUuid = plan.PoolsetUuid;
            h.Uuid = uuids[p];
            h.PrevPartUuid = uuids[(p + n - 1) % n];
            h.NextPartUuid = uuids[(p + 1) % n];
            h.PrevReplicaUuid = plan.Part0[(ReplicaIndex + replicas - 1) % replicas];
            h.NextReplicaUuid = plan.Part0[(ReplicaIndex + 1) % replicas];
            h.CreationTime = _files[p].CTime();
            h.Sds = default;
            h.UpdateChecksum();
            WriteHeader(p, in h);
            if (p == 0)
                Header = h;
        }
    }

    /// <summary>A copy of the header of part <paramref name="part"/>.</summary>
    internal PoolHeader ReadPartHeader(int part) => PoolHeader.Read(HeaderSpan(part));
}
