// Page granularity: a page-cache file persists through msync (PMDK: pmem2 PAGE, pmem_msync).
using Pmdk.Interop;
using Pmdk.Pmem.Detection;
using Pmdk.Pmem.MemoryOps;

namespace Pmdk.Pmem.Persistence;

/// <summary>Persistence of a mapping of a regular file without MAP_SYNC: every flush is a synchronous msync.</summary>
internal sealed unsafe class MsyncPersistence : MappedPersistence
{
    public MsyncPersistence(byte* baseAddress, ulong length, string? path)
        : base(baseAddress, length, new PersistenceProfile(FlushInstruction.None, CopyIsa.Generic, ulong.MaxValue), path)
    {
    }

    public override PmemGranularity Granularity => PmemGranularity.Page;

    public override void Flush(ulong offset, ulong length)
    {
        CheckRange(offset, length);
        Msync(BaseAddress, offset, length, Path);
    }

    /// <summary>msync already waited for the write-back; there is nothing left to drain.</summary>
    public override void Drain()
    {
    }

    protected override void CopyCore(byte* dst, byte* src, nuint length, PmemFlags flags)
    {
        if (length == 0)
            return;
        Buffer.MemoryCopy(src, dst, length, length);
        if ((flags & PmemFlags.NoFlush) == 0)
            Msync(BaseAddress, (ulong)(dst - BaseAddress), length, Path);
    }

    protected override void FillCore(byte* dst, byte value, nuint length, PmemFlags flags)
    {
        if (length == 0)
            return;
        PmemMemory.Fill(dst, value, length);
        if ((flags & PmemFlags.NoFlush) == 0)
            Msync(BaseAddress, (ulong)(dst - BaseAddress), length, Path);
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
