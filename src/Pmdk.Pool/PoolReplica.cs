// An open replica: locked part files mapped as one logical space, with the part-0 header (PMDK: common/set.c struct pool_replica).
using Pmdk.Pmem;

namespace Pmdk.Pool;

/// <summary>
/// The single replica of a log or blk pool, open: every part file locked with <c>flock</c>, mapped back to back
/// into one logical space (<see cref="Memory"/>), its headers written (at create) or validated (at open), and the
/// shutdown state marked dirty while open. Pool types (log, blk) put their descriptor at logical offset 4096.
/// </summary>
/// <remarks>C: <c>util_pool_create</c>, <c>util_pool_open</c>, <c>util_poolset_close</c>.</remarks>
public sealed partial class PoolReplica : IDisposable
{
    private readonly List<PoolPartFile> _files;
    private readonly List<PmemMapping> _mappings;
    private readonly List<PmemMapping?> _headerMappings;
    private readonly VmReservation? _reservation;
    private bool _sdsLive;
    private bool _disposed;

    private PoolReplica(PoolSet set, PoolKind kind, List<PoolPartFile> files, List<PmemMapping> mappings,
        List<PmemMapping?> headerMappings, VmReservation? reservation, PoolMemory memory)
    {
        Set = set;
        Kind = kind;
        _files = files;
        _mappings = mappings;
        _headerMappings = headerMappings;
        _reservation = reservation;
        Memory = memory;
    }

    /// <summary>The set (or the implicit one-part set of a single file).</summary>
    public PoolSet Set { get; }

    /// <summary>The pool type.</summary>
    public PoolKind Kind { get; }

    /// <summary>The path the pool was opened by (file or set file).</summary>
    public string Path => Set.Path;

    /// <summary>The logical space of the replica; its <see cref="PoolMemory.Length"/> is the usable pool size.</summary>
    public PoolMemory Memory { get; }

    /// <summary>Usable size of the replica (spec §5.4): what log <c>end_offset</c> and the BTT raw size derive from.</summary>
    public ulong Size => Memory.Length;

    /// <summary>A copy of the header of part 0.</summary>
    public PoolHeader Header { get; private set; }

    /// <summary>Whether an unknown ro_compat feature forced the pool read-only.</summary>
    public bool IsReadOnly { get; private set; }

    /// <summary>Whether every part file was created fresh (so the pool reads as zeros). C: <c>PMEMblk.is_zeroed</c> source.</summary>
    public bool CreatedZeroed { get; private set; }

    /// <summary>Whether the mappings are pmem (flushes make stores durable).</summary>
    public bool IsPmem => _mappings.TrueForAll(m => m.IsPmem);

    /// <summary>Paths of the part files in order.</summary>
    public IReadOnlyList<string> PartPaths => _files.ConvertAll(f => f.Path);

    /// <summary>Clears the shutdown-state dirty flag, unmaps, and unlocks and closes every part.</summary>
    /// <remarks>C: <c>util_poolset_close</c> (after <c>shutdown_state_set_dirty(…, 0)</c>).</remarks>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            if (_sdsLive)
            {
                // Every store was persisted when made; mark the clean close (an all-zero SDS on plain files).
                Memory.Persistence.Fill(PoolHeader.SdsOffset, 0, ShutdownState.Size);
            }
        }
        finally
        {
            Memory.Close();
            foreach (PmemMapping? m in _headerMappings)
                m?.Dispose();
            foreach (PmemMapping m in _mappings)
                m.Dispose();
            _reservation?.Dispose();
            foreach (PoolPartFile f in _files)
                f.Dispose();
        }
    }
}
