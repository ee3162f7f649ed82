// Pure decision logic: is a mapping pmem, and at what granularity (PMDK: pmem_is_pmem, pmem2 get_min_granularity).
namespace Pmdk.Pmem.Detection;

/// <summary>
/// How a mapping persists, decided once when it is created, from what mapping it revealed.
/// Kept free of I/O so every combination is unit-tested.
/// </summary>
public static class MappingDecision
{
    /// <summary>
    /// libpmem's is-pmem: a MAP_SYNC mapping or a Device DAX is pmem; <c>PMEM_IS_PMEM_FORCE</c> overrides.
    /// </summary>
    /// <param name="mapSync">The MAP_SHARED_VALIDATE|MAP_SYNC mapping succeeded.</param>
    /// <param name="deviceDax">The source is a Device DAX character device.</param>
    /// <param name="force">PMEM_IS_PMEM_FORCE: true/false overrides, null detects.</param>
    public static bool IsPmem(bool mapSync, bool deviceDax, bool? force) => force ?? (mapSync || deviceDax);

    /// <summary>
    /// libpmem2's effective granularity: DAX with eADR → Byte, DAX → CacheLine, anything else → Page.
    /// <c>PMEM2_FORCE_GRANULARITY</c> overrides.
    /// </summary>
    public static PmemGranularity Granularity(bool dax, bool autoFlush, PmemGranularity? force) =>
        force ?? (dax ? (autoFlush ? PmemGranularity.Byte : PmemGranularity.CacheLine) : PmemGranularity.Page);

    /// <summary>libpmem's mapping granularity: pmem (or forced pmem) persists by cache line, else by msync.</summary>
    public static PmemGranularity GranularityOfPmem(bool isPmem, bool autoFlush) =>
        isPmem ? (autoFlush ? PmemGranularity.Byte : PmemGranularity.CacheLine) : PmemGranularity.Page;

    /// <summary>Parses PMEM2_FORCE_GRANULARITY: BYTE, CACHE_LINE/CL, PAGE (case-insensitive); null if unset.</summary>
    /// <exception cref="PmemException">The value is none of these.</exception>
    public static PmemGranularity? ParseForcedGranularity(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" => null,
        "BYTE" => PmemGranularity.Byte,
        "CACHE_LINE" or "CACHELINE" or "CL" => PmemGranularity.CacheLine,
        "PAGE" => PmemGranularity.Page,
        _ => throw new PmemException(PmemErrorCode.InvalidArgument,
            $"PMEM2_FORCE_GRANULARITY='{value}' is not one of BYTE, CACHE_LINE, PAGE."),
    };

    /// <summary>Whether a mapping of <paramref name="effective"/> granularity satisfies <paramref name="required"/>.</summary>
    public static bool Satisfies(PmemGranularity effective, PmemGranularity required) => effective <= required;
}
