// Cache-line and byte granularity: flush lines with CLWB/CLFLUSHOPT/CLFLUSH (none on eADR), drain with SFENCE.
using Pmdk.Pmem.Detection;
using Pmdk.Pmem.MemoryOps;

namespace Pmdk.Pmem.Persistence;

/// <summary>
/// Persistence of a DAX mapping (PMDK: pmem2 CACHE_LINE), and of one whose caches are in the persistence domain
/// (eADR, pmem2 BYTE), where the flush routine resolves to a no-op and only fences remain.
/// </summary>
internal sealed unsafe class CpuCachePersistence : MappedPersistence, IPersistence
{
    private readonly FlushRoutine _flush;

    public CpuCachePersistence(byte* baseAddress, ulong length, PersistenceProfile profile, string? path, PmemGranularity granularity)
        : base(baseAddress, length, granularity == PmemGranularity.Byte ? profile with { Flush = FlushInstruction.None } : profile, path)
    {
        Granularity = granularity;
        _flush = CacheLineFlush.Resolve(Profile.Flush);
    }

    public PmemGranularity Granularity { get; }

    public void Flush(ulong offset, ulong length)
    {
        CheckRange(offset, length);
        _flush.Invoke(BaseAddress + offset, (nuint)length);
    }

    public void Drain() => PmemMemory.Drain();

    public void Persist(ulong offset, ulong length)
    {
        CheckRange(offset, length);
        _flush.Invoke(BaseAddress + offset, (nuint)length);
        PmemMemory.Drain();
    }

    public void Copy(ulong destination, ReadOnlySpan<byte> source, PmemFlags flags = PmemFlags.None)
    {
        CheckFlags(flags);
        CheckRange(destination, (ulong)source.Length);
        fixed (byte* src = source)
            PmemMemory.MoveNoDrain(BaseAddress + destination, src, (nuint)source.Length, flags, Profile, _flush);
        if (Drains(flags))
            PmemMemory.Drain();
    }

    public void Move(ulong destination, ulong source, ulong length, PmemFlags flags = PmemFlags.None)
    {
        CheckFlags(flags);
        CheckRange(destination, length);
        CheckRange(source, length);
        PmemMemory.MoveNoDrain(BaseAddress + destination, BaseAddress + source, (nuint)length, flags, Profile, _flush);
        if (Drains(flags))
            PmemMemory.Drain();
    }

    public void Fill(ulong destination, byte value, ulong length, PmemFlags flags = PmemFlags.None)
    {
        CheckFlags(flags);
        CheckRange(destination, length);
        PmemMemory.FillNoDrain(BaseAddress + destination, value, (nuint)length, flags, Profile, _flush);
        if (Drains(flags))
            PmemMemory.Drain();
    }
}
