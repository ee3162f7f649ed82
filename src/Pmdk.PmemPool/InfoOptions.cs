// The options of pmempool info that select sections (PMDK: tools/pmempool/info.h struct pmempool_info_args).
using Pmdk.Pool;

namespace Pmdk.PmemPool;

/// <summary>Which sections <see cref="PoolInfo.Describe(string, InfoOptions?)"/> prints, as <c>pmempool info</c>'s flags.</summary>
public sealed class InfoOptions
{
    /// <summary><c>-v</c>: more detail (alignment table, obj run id).</summary>
    public bool Verbose { get; init; }

    /// <summary><c>-H</c>: obj heap header.</summary>
    public bool Heap { get; init; }

    /// <summary><c>-Z</c>: obj zone headers (requires <see cref="Heap"/> or <see cref="Stats"/>).</summary>
    public bool Zones { get; init; }

    /// <summary><c>-C</c>: obj chunk headers of every initialized zone (requires <see cref="Heap"/> or <see cref="Stats"/>).</summary>
    public bool Chunks { get; init; }

    /// <summary><c>-s</c>: statistics.</summary>
    public bool Stats { get; init; }

    /// <summary><c>-B</c>: blk: the backup BTT info block of each arena.</summary>
    public bool Backup { get; init; }

    internal void Validate(PoolKind kind, string path)
    {
        if (kind != PoolKind.Obj)
            return;
        const string needs = "requires: [-O|--object-store|-H|--heap|-s|--stats]";
        if (Zones && !Heap && !Stats)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"option [-Z|--zones] {needs}", path);
        if (Chunks && !Heap && !Stats)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"option [-C|--chunks] {needs}", path);
    }
}
