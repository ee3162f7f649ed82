// Cache-line granularity: flush lines with CLWB/CLFLUSHOPT/CLFLUSH, drain with SFENCE (PMDK: pmem2 CACHE_LINE).
using Pmdk.Pmem.Detection;
using Pmdk.Pmem.MemoryOps;

namespace Pmdk.Pmem.Persistence;

/// <summary>Persistence of a DAX mapping whose caches are not in the persistence domain.</summary>
internal unsafe class CpuCachePersistence : MappedPersistence
{
    public CpuCachePersistence(byte* baseAddress, ulong length, PersistenceProfile profile, string? path)
        : base(baseAddress, length, profile, path)
    {
    }

    public override PmemGranularity Granularity => PmemGranularity.CacheLine;

    public override void Flush(ulong offset, ulong length)
    {
        CheckRange(offset, length);
        CacheLineFlush.Flush(Profile.Flush, BaseAddress + offset, (nuint)length);
    }

    public override void Drain() => PmemMemory.Drain();
}

/// <summary>Byte granularity (eADR): caches are persistent, so flushes are skipped and only fences remain.</summary>
internal sealed unsafe class EadrPersistence : CpuCachePersistence
{
    public EadrPersistence(byte* baseAddress, ulong length, PersistenceProfile profile, string? path)
        : base(baseAddress, length, profile with { Flush = FlushInstruction.None }, path)
    {
    }

    public override PmemGranularity Granularity => PmemGranularity.Byte;
}
