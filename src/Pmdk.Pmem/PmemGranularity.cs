// Store granularity of a mapping (PMDK: enum pmem2_granularity).
namespace Pmdk.Pmem;

/// <summary>
/// The smallest unit that must be made persistent explicitly. Ordered from finest to coarsest, as in PMDK.
/// </summary>
/// <remarks>C: <c>PMEM2_GRANULARITY_BYTE</c>, <c>PMEM2_GRANULARITY_CACHE_LINE</c>, <c>PMEM2_GRANULARITY_PAGE</c>.</remarks>
public enum PmemGranularity
{
    /// <summary>The CPU caches are in the persistence domain (eADR): a fence is enough.</summary>
    Byte = 0,
    /// <summary>Cache lines must be flushed (CLWB/CLFLUSHOPT/CLFLUSH) and fenced.</summary>
    CacheLine = 1,
    /// <summary>Pages must be written back with msync (a page-cache file).</summary>
    Page = 2,
}
