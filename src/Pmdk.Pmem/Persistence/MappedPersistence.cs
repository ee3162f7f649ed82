// Shared range checks and copy plumbing of the native persistence implementations (PMDK: libpmem2/persist.c).
using System.Runtime.CompilerServices;
using Pmdk.Pmem.Detection;
using Pmdk.Pmem.MemoryOps;

namespace Pmdk.Pmem.Persistence;

/// <summary>
/// Base of the native persistence implementations: checks every range against the mapping and turns
/// offsets into addresses. Subclasses decide what flush and drain mean.
/// </summary>
/// <remarks>SAFETY: <c>baseAddress</c> stays mapped for <c>length</c> bytes while this object is used.</remarks>
internal abstract unsafe class MappedPersistence : IPersistence
{
    protected readonly byte* BaseAddress;
    protected readonly ulong Length;
    protected readonly PersistenceProfile Profile;
    protected readonly string? Path;

    protected MappedPersistence(byte* baseAddress, ulong length, PersistenceProfile profile, string? path)
    {
        BaseAddress = baseAddress;
        Length = length;
        Profile = profile;
        Path = path;
    }

    public abstract PmemGranularity Granularity { get; }

    public abstract void Flush(ulong offset, ulong length);

    public abstract void Drain();

    public void Persist(ulong offset, ulong length)
    {
        Flush(offset, length);
        Drain();
    }

    public void Copy(ulong destination, ReadOnlySpan<byte> source, PmemFlags flags = PmemFlags.None)
    {
        flags.Validate();
        CheckRange(destination, (ulong)source.Length);
        fixed (byte* src = source)
            CopyCore(BaseAddress + destination, src, (nuint)source.Length, flags);
        DrainUnless(flags);
    }

    public void Move(ulong destination, ulong source, ulong length, PmemFlags flags = PmemFlags.None)
    {
        flags.Validate();
        CheckRange(destination, length);
        CheckRange(source, length);
        CopyCore(BaseAddress + destination, BaseAddress + source, (nuint)length, flags);
        DrainUnless(flags);
    }

    public void Fill(ulong destination, byte value, ulong length, PmemFlags flags = PmemFlags.None)
    {
        flags.Validate();
        CheckRange(destination, length);
        FillCore(BaseAddress + destination, value, (nuint)length, flags);
        DrainUnless(flags);
    }

    /// <summary>Copy from outside memory (the unsafe twin of <see cref="Copy"/>, for large sources).</summary>
    public void CopyFrom(ulong destination, byte* source, ulong length, PmemFlags flags)
    {
        flags.Validate();
        CheckRange(destination, length);
        CopyCore(BaseAddress + destination, source, (nuint)length, flags);
        DrainUnless(flags);
    }

    protected virtual void CopyCore(byte* dst, byte* src, nuint length, PmemFlags flags) =>
        PmemMemory.MoveNoDrain(dst, src, length, flags, Profile);

    protected virtual void FillCore(byte* dst, byte value, nuint length, PmemFlags flags) =>
        PmemMemory.FillNoDrain(dst, value, length, flags, Profile);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void DrainUnless(PmemFlags flags)
    {
        if ((flags & (PmemFlags.NoDrain | PmemFlags.NoFlush)) == 0)
            Drain();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected void CheckRange(ulong offset, ulong length)
    {
        if (offset > Length || length > Length - offset)
            ThrowHelper.RangeOutsideMapping(offset, length, Length);
    }
}
