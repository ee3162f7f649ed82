// Part layout and mapping of a replica into one logical space (PMDK: common/set.c util_replica_map_local, util_map_part).
using Pmdk.Pmem;

namespace Pmdk.Pool;

public sealed partial class PoolReplica
{
    private const ulong PageSize = 4096;

    /// <summary>
    /// The logical span of each part (spec §5.4): part 0 covers its whole 4 KiB-rounded size; every later part
    /// loses its own 4 KiB header unless the set has a single header.
    /// </summary>
    /// <returns>The span of each part and their sum, the usable replica size.</returns>
    public static (ulong[] Spans, ulong ReplicaSize) ComputeLayout(IReadOnlyList<ulong> partSizes, bool singleHeader)
    {
        ArgumentNullException.ThrowIfNull(partSizes);
        var spans = new ulong[partSizes.Count];
        ulong total = 0;
        for (int p = 0; p < spans.Length; p++)
        {
            ulong aligned = partSizes[p] & ~(PageSize - 1);
            ulong header = p == 0 || singleHeader ? 0 : PageSize;
            spans[p] = aligned > header ? aligned - header : 0;
            total += spans[p];
        }
        return (spans, total);
    }

    private static PmemConfig MapConfig(PoolOptions options, ulong offset, ulong length, VmReservation? reservation,
        ulong reservationOffset, bool copyOnWrite = false) => new()
        {
            Sharing = copyOnWrite ? PmemSharing.Private : PmemSharing.Shared,
            Offset = offset,
            Length = length,
            Reservation = reservation,
            ReservationOffset = reservationOffset,
            PersistenceProvider = options.PersistenceProvider,
            ForceGranularity = options.IsPmemForce switch
            {
                true => PmemGranularity.CacheLine,
                false => PmemGranularity.Page,
                null => new PmemConfig().ForceGranularity,
            },
        };

    /// <summary>Maps the parts back to back (one reservation when there are several) and the extra part headers.</summary>
    private static PoolReplica Map(PoolSet set, PoolKind kind, List<PoolPartFile> files, PoolOptions options, bool copyOnWrite = false)
    {
        bool singleHeader = set.SingleHeader;
        var (spans, total) = ComputeLayout(files.ConvertAll(f => f.Size), singleHeader);
        var mappings = new List<PmemMapping>();
        var headerMappings = new List<PmemMapping?>();
        VmReservation? reservation = null;
        try
        {
            PoolMemory memory;
            if (files.Count == 1)
            {
                using var source = PmemSource.FromHandle(files[0].Handle, true, files[0].Path);
                PmemMapping m = PmemMapping.Create(source, MapConfig(options, 0, spans[0], null, 0, copyOnWrite));
                mappings.Add(m);
                headerMappings.Add(null);
                memory = PoolMemory.ForMapping(m, set.Path);
            }
            else
            {
                reservation = VmReservation.Create(total);
                var segments = new (ulong, ulong, PmemMapping)[files.Count];
                ulong start = 0;
                for (int p = 0; p < files.Count; p++)
                {
                    using var source = PmemSource.FromHandle(files[p].Handle, true, files[p].Path);
                    ulong fileOffset = p == 0 || singleHeader ? 0 : PageSize;
                    PmemMapping m = PmemMapping.Create(source, MapConfig(options, fileOffset, spans[p], reservation, start, copyOnWrite));
                    mappings.Add(m);
                    segments[p] = (start, spans[p], m);
                    headerMappings.Add(p > 0 && !singleHeader
                        ? PmemMapping.Create(source, MapConfig(options, 0, PageSize, null, 0, copyOnWrite))
                        : null);
                    start += spans[p];
                }
                memory = PoolMemory.ForReservation(reservation, total, new PoolSetPersistence(segments), set.Path);
            }
            return new PoolReplica(set, kind, files, mappings, headerMappings, reservation, memory);
        }
        catch
        {
            foreach (PmemMapping? m in headerMappings)
                m?.Dispose();
            foreach (PmemMapping m in mappings)
                m.Dispose();
            reservation?.Dispose();
            throw;
        }
    }

    /// <summary>The 4 KiB header of part <paramref name="part"/> (part 0: logical 0; others: their own header mapping).</summary>
    private Span<byte> HeaderSpan(int part) =>
        part == 0 ? Memory.GetSpan(0, PoolHeader.Size) : _headerMappings[part]!.GetSpan(0, PoolHeader.Size);

    private void WriteHeader(int part, in PoolHeader header)
    {
        ReadOnlySpan<byte> bytes = PoolHeader.AsBytes(in header);
        if (part == 0)
            Memory.Persistence.Copy(0, bytes);
        else
            _headerMappings[part]!.Persistence.Copy(0, bytes);
    }

    private int HeaderCount => Set.SingleHeader ? 1 : _files.Count;

    /// <summary>Refuses what a pool type cannot use: replicas (all but obj), remote replicas, NOHDRS.</summary>
    internal static void CheckSupported(PoolSet set, PoolKind kind, bool create)
    {
        if (set.Replicas.Count > 1 && kind != PoolKind.Obj)
        {
            throw new PmemException(PmemErrorCode.NotSupported,
                create ? "replication not supported (a log or blk pool set may have only one replica)"
                       : "replicas not supported (a log or blk pool set may have only one replica)", set.Path);
        }
        if (set.Replicas.Any(r => r.IsRemote))
            throw new PmemException(PmemErrorCode.NotSupported, "remote replicas are not supported", set.Path);
        if ((set.Options & PoolSetOptions.NoHeaders) != 0)
            throw new PmemException(PmemErrorCode.NotSupported, "the NOHDRS poolset option is not supported for local poolsets", set.Path);
    }

    /// <summary>The part files of the replica; a directory-based replica names its numbered files (<c>000000.pmem</c>, …).</summary>
    private static List<PoolSetPart> ResolveParts(PoolSet set, int index, PoolKind kind, bool create)
    {
        PoolSetReplica replica = set.Replicas[index];
        if (!replica.IsDirectoryBased)
            return [.. replica.Parts];
        var dirs = replica.Parts;
        if (create)
            return [new PoolSetPart(System.IO.Path.Combine(dirs[0].Path, "000000.pmem"), kind.MinPoolSize, false, dirs[0].Line)];
        var parts = new List<PoolSetPart>();
        for (int i = 0; ; i++)
        {
            PoolSetPart dir = dirs[i % dirs.Count];
            string file = System.IO.Path.Combine(dir.Path, $"{i:D6}.pmem");
            if (!File.Exists(file))
                break;
            parts.Add(new PoolSetPart(file, (ulong)new FileInfo(file).Length, false, dir.Line));
        }
        if (parts.Count == 0)
            throw new PmemException(PmemErrorCode.FileNotFound, $"no part files (000000.pmem) in directory '{dirs[0].Path}'", set.Path);
        return parts;
    }
}
