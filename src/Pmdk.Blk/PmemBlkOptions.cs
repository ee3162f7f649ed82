// Options of PmemBlk.Create/Open/OpenOrCreate/Check (PMDK: pmemblk_create mode argument, PMEM_IS_PMEM_FORCE, ctl prefault.*).
using Pmdk.Pmem.Persistence;
using Pmdk.Pool;

namespace Pmdk.Blk;

/// <summary>Less common settings of a block pool. Validated once by the factory methods; never owns resources.</summary>
public sealed class PmemBlkOptions
{
    /// <summary>Mode of created pool files (default 0664, like <c>pmempool create</c>). C: the <c>mode</c> of <c>pmemblk_create</c>.</summary>
    public UnixFileMode Mode { get; init; } =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead;

    /// <summary>Overrides pmem detection (default: <c>PMEM_IS_PMEM_FORCE</c>).</summary>
    public bool? IsPmemForce { get; init; } = PmdkEnvironment.Process.IsPmemForce;

    /// <summary>Replaces the native persistence of the mappings (e.g. a power-failure simulator).</summary>
    public IPersistenceProvider? PersistenceProvider { get; init; }

    /// <summary>
    /// Touch every page of the pool after mapping it, at create and at open, so that later block accesses do not
    /// page-fault. C: ctl <c>prefault.at_create</c> / <c>prefault.at_open</c> (default off).
    /// </summary>
    public bool Prefault { get; init; }

    /// <summary>
    /// Upper bound of concurrent lanes; 0 (default) uses PMDK's choice, <c>min(nfree, 2 × processors)</c>.
    /// </summary>
    public int MaxLanes { get; init; }

    /// <summary>How operations pick their lane (default <see cref="BlkLaneSelection.ThreadAffine"/>).</summary>
    public BlkLaneSelection LaneSelection { get; init; }

    internal static PmemBlkOptions Default { get; } = new();

    internal PoolOptions ToPoolOptions() => new()
    {
        Mode = Mode,
        IsPmemForce = IsPmemForce,
        PersistenceProvider = PersistenceProvider,
        Prefault = Prefault,
    };
}
