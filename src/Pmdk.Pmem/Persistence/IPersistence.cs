// The persistence seam: the one abstraction all pool code persists through (PMDK: libpmemobj/pmemops.h).
namespace Pmdk.Pmem.Persistence;

/// <summary>
/// Flush, drain, persist and persistent copies for one mapping, addressed by offsets into it.
/// Every store to pool memory becomes durable through this interface and nothing else, which is what
/// lets the power-failure simulator (<c>Pmdk.Pmem.Simulation</c>) crash a pool at any fence.
/// </summary>
/// <remarks>C: <c>struct pmem_ops</c>, <c>pmem2_get_persist_fn</c>, <c>pmem2_get_flush_fn</c>,
/// <c>pmem2_get_drain_fn</c>, <c>pmem2_get_memcpy_fn</c>, <c>pmem2_get_memmove_fn</c>, <c>pmem2_get_memset_fn</c>.</remarks>
public interface IPersistence
{
    /// <summary>The granularity this implementation persists at.</summary>
    PmemGranularity Granularity { get; }

    /// <summary>Starts write-back of a range (CLWB/CLFLUSHOPT/CLFLUSH, or msync on page granularity).</summary>
    void Flush(ulong offset, ulong length);

    /// <summary>Waits until every flush and non-temporal store issued before is durable (SFENCE).</summary>
    void Drain();

    /// <summary><see cref="Flush"/> then <see cref="Drain"/>.</summary>
    void Persist(ulong offset, ulong length);

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> and persists it per <paramref name="flags"/>.</summary>
    void Copy(ulong destination, ReadOnlySpan<byte> source, PmemFlags flags = PmemFlags.None);

    /// <summary>memmove inside the mapping (overlap allowed in both directions), persisted per <paramref name="flags"/>.</summary>
    void Move(ulong destination, ulong source, ulong length, PmemFlags flags = PmemFlags.None);

    /// <summary>memset of a range, persisted per <paramref name="flags"/>.</summary>
    void Fill(ulong destination, byte value, ulong length, PmemFlags flags = PmemFlags.None);
}

/// <summary>
/// Replaces the native persistence of a mapping at creation, e.g. by a power-failure simulator.
/// </summary>
public interface IPersistenceProvider
{
    /// <summary>Returns the persistence the mapping will use. <paramref name="native"/> is what it would use otherwise.</summary>
    IPersistence Create(PmemMapping mapping, IPersistence native);
}
