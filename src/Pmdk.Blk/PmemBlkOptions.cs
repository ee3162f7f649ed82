// Options of PmemBlk.Create/Open/OpenOrCreate/Check (PMDK: pmemblk_create mode argument, PMEM_IS_PMEM_FORCE).
using Pmdk.Pmem;
using Pmdk.Pmem.Persistence;

namespace Pmdk.Blk;

/// <summary>Less common settings of a block pool. Validated once by the factory methods; never owns resources.</summary>
public sealed class PmemBlkOptions
{
    /// <summary>Mode of a created pool file (default 0664, like <c>pmempool create</c>). C: the <c>mode</c> of <c>pmemblk_create</c>.</summary>
    public UnixFileMode Mode { get; init; } =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead;

    /// <summary>Overrides pmem detection (default: <c>PMEM_IS_PMEM_FORCE</c>).</summary>
    public bool? IsPmemForce { get; init; } = PmdkEnvironment.Process.IsPmemForce;

    /// <summary>CPU persistence tuning (default: the PMEM_* environment).</summary>
    public PmemTuning Tuning { get; init; } = PmemTuning.Default;

    /// <summary>Replaces the native persistence of the mapping (e.g. a power-failure simulator).</summary>
    public IPersistenceProvider? PersistenceProvider { get; init; }

    /// <summary>
    /// Upper bound of concurrent lanes; 0 (default) uses PMDK's choice, <c>min(nfree, 2 × processors)</c>.
    /// </summary>
    public int MaxLanes { get; init; }

    internal static PmemBlkOptions Default { get; } = new();

    internal PmemMapSettings ToMapSettings() => new()
    {
        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        IsPmemForce = IsPmemForce,
        Tuning = Tuning,
        PersistenceProvider = PersistenceProvider,
    };
}
