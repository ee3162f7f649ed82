// Options of creating and opening obj pools (PMDK: pmemobj_create/open arguments and PMEMOBJ_CONF ctls).
using Pmdk.Pmem.Persistence;
using Pmdk.Pool;

namespace Pmdk.Obj;

/// <summary>Options of <see cref="ObjPool.Create(string, string?, ulong, ObjPoolOptions?)"/> and <see cref="ObjPool.Open(string, string?, ObjPoolOptions?)"/>.</summary>
public sealed class ObjPoolOptions
{
    /// <summary>Defaults.</summary>
    public static ObjPoolOptions Default { get; } = new();

    /// <summary>Mode of a created file (default 0666 before umask).</summary>
    public UnixFileMode Mode { get; init; } = (UnixFileMode)0b110_110_110;

    /// <summary>Replaces the persistence of the mapping (crash simulation).</summary>
    public IPersistenceProvider? PersistenceProvider { get; init; }

    /// <summary>Overrides pmem detection (default: <c>PMEM_IS_PMEM_FORCE</c>).</summary>
    public bool? IsPmemForce { get; init; } = PmdkEnvironment.Process.IsPmemForce;

    /// <summary>Touch every page of the pool after mapping. C: <c>prefault.at_create</c> / <c>prefault.at_open</c>.</summary>
    public bool Prefault { get; init; }

    /// <summary>Write the shutdown-state feature at create (Debian default). C: <c>sds.at_create</c>.</summary>
    public bool ShutdownStateAtCreate { get; init; } = true;

    /// <summary>
    /// Map the pool privately at open (MAP_PRIVATE): changes stay in this process and never reach the file.
    /// C: <c>copy_on_write.at_open</c>.
    /// </summary>
    public bool CopyOnWriteAtOpen { get; init; }

    internal PoolOptions ToPoolOptions() => new()
    {
        Mode = Mode,
        PersistenceProvider = PersistenceProvider,
        IsPmemForce = IsPmemForce,
        Prefault = Prefault,
        ShutdownStateAtCreate = ShutdownStateAtCreate,
    };
}

/// <summary>Heap statistics. C: <c>stats.heap.*</c> ctls.</summary>
/// <param name="CurrentAllocated">Bytes allocated (real block sizes) since open minus bytes freed. C: <c>stats.heap.curr_allocated</c>.</param>
/// <param name="RunAllocated">Bytes of allocated blocks in runs. C: <c>stats.heap.run_allocated</c>.</param>
/// <param name="RunActive">Bytes of chunks turned into runs. C: <c>stats.heap.run_active</c>.</param>
public readonly record struct ObjHeapStatistics(long CurrentAllocated, ulong RunAllocated, ulong RunActive);
