// Page granularity: a page-cache file persists through msync (PMDK: pmem2 PAGE, pmem_msync).
using Pmdk.Interop;
using Pmdk.Pmem.Detection;
using Pmdk.Pmem.MemoryOps;

namespace Pmdk.Pmem.Persistence;

/// <summary>Persistence of a mapping of a regular file without MAP_SYNC: every flush is a synchronous msync.</summary>
internal sealed unsafe class MsyncPersistence : MappedPersistence, IPersistence
{
    public MsyncPersistence(byte* baseAddress, ulong length, string? path)
        : base(baseAddress, length, new PersistenceProfile(FlushInstruction.None, CopyIsa.Generic, ulong.MaxValue), path)
    {
    }

    public PmemGranularity Granularity => PmemGranularity.Page;

    public void Flush(ulong offset, ulong length)
    {
        CheckRange(offset, length);
        Msync(BaseAddress, offset, length, Path);
    }

    /// <summary>msync already waited for the write-back; there is nothing left to drain.</summary>
    public void Drain()
    {
    }

    public void Persist(ulong offset, ulong length) => Flush(offset, length);

    public void Copy(ulong destination, ReadOnlySpan<byte> source, PmemFlags flags = PmemFlags.None)
    {
        CheckFlags(flags);
        CheckRange(destination, (ulong)source.Length);
        if (source.IsEmpty)
            return;
        source.CopyTo(new Span<byte>(BaseAddress + destination, source.Length));
        if ((flags & PmemFlags.NoFlush) == 0)
            Msync(BaseAddress, destination, (ulong)source.Length, Path);
    }

    public void Move(ulong destination, ulong source, ulong length, PmemFlags flags = PmemFlags.None)
    {
        CheckFlags(flags);
        CheckRange(destination, length);
        CheckRange(source, length);
        if (length == 0)
            return;
        Buffer.MemoryCopy(BaseAddress + source, BaseAddress + destination, length, length);
        if ((flags & PmemFlags.NoFlush) == 0)
            Msync(BaseAddress, destination, length, Path);
    }

    public void Fill(ulong destination, byte value, ulong length, PmemFlags flags = PmemFlags.None)
    {
        CheckFlags(flags);
        CheckRange(destination, length);
        if (length == 0)
            return;
        PmemMemory.Fill(BaseAddress + destination, value, (nuint)length);
        if ((flags & PmemFlags.NoFlush) == 0)
            Msync(BaseAddress, destination, length, Path);
    }

    /// <summary>msync(MS_SYNC) of the pages covering [offset, offset+length) of a page-aligned mapping.</summary>
    public static void Msync(byte* mappingBase, ulong offset, ulong length, string? path)
    {
        if (length == 0)
            return;
        ulong page = (ulong)Libc.PageSize;
        ulong start = offset & ~(page - 1);
        ulong end = offset + length;
        if (Libc.msync((nint)(mappingBase + start), (nuint)(end - start), Libc.MS_SYNC) != 0)
            ThrowHelper.Errno(path, "msync");
    }
}
