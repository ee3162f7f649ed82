// Options shared by every pool type's Create/Open (PMDK: pmemlog_create/open arguments, PMEM*_CONF ctl settings).
using Pmdk.Pmem.Persistence;

namespace Pmdk.Pool;

/// <summary>How a pool's files are created, mapped and persisted. Validated once by the factory; owns nothing.</summary>
public sealed class PoolOptions
{
    /// <summary>Default options.</summary>
    public static PoolOptions Default { get; } = new();

    /// <summary>Mode of newly created part files (applied after creation completes, as PMDK does). Default 0664.</summary>
    public UnixFileMode Mode { get; init; } = (UnixFileMode)0b110_110_100;

    /// <summary>
    /// Replaces the persistence of every part mapping (the crash simulator plugs in here). Null uses the hardware's.
    /// </summary>
    public IPersistenceProvider? PersistenceProvider { get; init; }

    /// <summary>Treat the mapping as pmem (true), as a page-cache file (false), or detect (null). Defaults to <c>PMEM_IS_PMEM_FORCE</c>.</summary>
    public bool? IsPmemForce { get; init; } = PmdkEnvironment.Process.IsPmemForce;

    /// <summary>Whether new pools use the shutdown-state block (ctl <c>sds.at_create</c>, default on).</summary>
    public bool ShutdownStateAtCreate { get; init; } = true;

    /// <summary>Whether to touch every page at create/open (ctl <c>prefault.at_create</c>/<c>prefault.at_open</c>, default off).</summary>
    public bool Prefault { get; init; }
}
