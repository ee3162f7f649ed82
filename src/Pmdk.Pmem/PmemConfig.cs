// How to map a source: range, sharing, protection, required granularity (PMDK: libpmem2/config.c).
using Pmdk.Pmem.Persistence;

namespace Pmdk.Pmem;

/// <summary>Sharing of a mapping. C: <c>enum pmem2_sharing_type</c>.</summary>
public enum PmemSharing
{
    /// <summary>Stores reach the source (MAP_SHARED).</summary>
    Shared,
    /// <summary>Copy-on-write; stores never reach the source (MAP_PRIVATE).</summary>
    Private,
}

/// <summary>Access protection of a mapping. C: <c>PMEM2_PROT_*</c>.</summary>
[Flags]
public enum PmemProtection
{
    /// <summary>No access (PMEM2_PROT_NONE).</summary>
    None = 0,
    /// <summary>PMEM2_PROT_READ.</summary>
    Read = 1,
    /// <summary>PMEM2_PROT_WRITE.</summary>
    Write = 2,
    /// <summary>PMEM2_PROT_EXEC.</summary>
    Execute = 4,
    /// <summary>Read and write (the default).</summary>
    ReadWrite = Read | Write,
}

/// <summary>
/// Options of <see cref="PmemMapping.Create"/>. Unlike PMDK, the required store granularity has a default
/// (<see cref="PmemGranularity.Page"/>: accept whatever the source offers) instead of being mandatory.
/// </summary>
/// <remarks>C: <c>pmem2_config_new</c>, <c>pmem2_config_set_offset</c>, <c>pmem2_config_set_length</c>,
/// <c>pmem2_config_set_sharing</c>, <c>pmem2_config_set_protection</c>,
/// <c>pmem2_config_set_required_store_granularity</c>, <c>pmem2_config_set_vm_reservation</c>.</remarks>
public sealed class PmemConfig
{
    /// <summary>Offset in the source; a multiple of <see cref="PmemSource.Alignment"/>.</summary>
    public ulong Offset { get; init; }

    /// <summary>Length to map; 0 maps from <see cref="Offset"/> to the end of the source.</summary>
    public ulong Length { get; init; }

    /// <summary>Shared (default) or private.</summary>
    public PmemSharing Sharing { get; init; } = PmemSharing.Shared;

    /// <summary>Access protection (default read+write).</summary>
    public PmemProtection Protection { get; init; } = PmemProtection.ReadWrite;

    /// <summary>The coarsest granularity the caller accepts; creation fails if the mapping's is coarser.</summary>
    public PmemGranularity RequiredStoreGranularity { get; init; } = PmemGranularity.Page;

    /// <summary>Overrides detection (default: <c>PMEM2_FORCE_GRANULARITY</c>).</summary>
    public PmemGranularity? ForceGranularity { get; init; } =
        Detection.MappingDecision.ParseForcedGranularity(PmdkEnvironment.Process.ForceGranularity);

    /// <summary>CPU persistence tuning (default: the PMEM_* environment).</summary>
    public PmemTuning Tuning { get; init; } = PmemTuning.Default;

    /// <summary>Map into this reservation instead of a kernel-chosen address.</summary>
    public VmReservation? Reservation { get; init; }

    /// <summary>Offset of the mapping inside <see cref="Reservation"/>.</summary>
    public ulong ReservationOffset { get; init; }

    /// <summary>Replaces the native persistence (e.g. a power-failure simulator).</summary>
    public IPersistenceProvider? PersistenceProvider { get; init; }
}
