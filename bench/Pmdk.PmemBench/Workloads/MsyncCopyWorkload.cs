// memcpy_persist_4k_ext4: 4 KiB copies persisted with msync on a root-filesystem file (perf-notes §3.1, label ext4).
using System.Runtime.CompilerServices;
using Pmdk.Pmem;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// 64 MiB file on the root filesystem, not pmem. Warm-up: memset 0 + msync of every slot. Op: ours
/// <c>mapping.Write</c> (page granularity: memcpy + msync of the touched pages); C <c>memcpy</c> +
/// <c>pmem_msync</c>, the man-page pattern for is_pmem=0.
/// </summary>
internal sealed unsafe class MsyncCopyWorkload : Workload
{
    private const ulong MapLength = 64UL << 20;
    private readonly ulong _size;
    private readonly long _baseOps;

    public MsyncCopyWorkload(ulong size, long baseOps)
    {
        _size = size;
        _baseOps = baseOps;
    }

    public override string Name => $"memcpy_persist_{SizeLabel(_size)}_ext4";

    public override ulong BytesPerOp => _size;

    public override long Ops(RunContext context) => context.Ops(_baseOps);

    /// <summary>Chunks of 10 ops: disk latency swings by 10× within seconds here, so the sides alternate often.</summary>
    public override int Chunks(long ops) => (int)Math.Max(1, ops / 10);

    public override ISideRun Prepare(Side side, RunContext context)
    {
        ulong length = context.Small ? 4UL << 20 : MapLength;
        string path = context.Files.FreshDisk($"{Name}.{side}");
        try
        {
            return side == Side.Ours ? PrepareOurs(path, length, context) : PrepareC(path, length, context);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private ISideRun PrepareOurs(string path, ulong length, RunContext context)
    {
        PmemMapping mapping = Pmem.Pmem.MapFile(path, length,
            PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive, new PmemMapSettings { IsPmemForce = false });
        try
        {
            if (mapping.IsPmem || mapping.Granularity != PmemGranularity.Page)
                throw new InvalidOperationException($"{path}: expected the msync path, got {mapping.Granularity}.");
            mapping.Fill(0, 0, length / _size * _size);
            return new WalkRun<OursCopy>(new OursCopy(mapping, context.Source.Pointer, _size), _size, length, () =>
            {
                mapping.Dispose();
                File.Delete(path);
            });
        }
        catch
        {
            mapping.Dispose();
            throw;
        }
    }

    private ISideRun PrepareC(string path, ulong length, RunContext context)
    {
        byte* map = LibPmem.MapFile(path, length, LibPmem.PMEM_FILE_CREATE | LibPmem.PMEM_FILE_EXCL,
            out ulong mapped, out _);
        try
        {
            ulong warm = length / _size * _size;
            LibC.memset(map, 0, (nuint)warm);
            LibPmem.Msync(map, warm);
            return new WalkRun<CMsyncCopy>(new CMsyncCopy(map, context.Source.Pointer, _size), _size, length, () =>
            {
                LibPmem.Unmap(map, mapped);
                File.Delete(path);
            });
        }
        catch
        {
            LibPmem.Unmap(map, mapped);
            throw;
        }
    }

    private readonly struct OursCopy(PmemMapping mapping, byte* source, ulong size) : IWalkOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Do(ulong destination, ulong src, long i) =>
            mapping.Write(destination, new ReadOnlySpan<byte>(source + src, (int)size));
    }

    private readonly struct CMsyncCopy(byte* map, byte* source, ulong size) : IWalkOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Do(ulong destination, ulong src, long i)
        {
            LibC.memcpy(map + destination, source + src, (nuint)size);
            LibPmem.Msync(map + destination, size);
        }
    }
}
