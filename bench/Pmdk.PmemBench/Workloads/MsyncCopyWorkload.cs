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

    public override Measurement Run(Side side, RunContext context)
    {
        ulong length = context.Small ? 4UL << 20 : MapLength;
        long ops = context.Ops(_baseOps);
        string path = context.Files.FreshDisk(Name);
        try
        {
            return side == Side.Ours ? RunOurs(path, length, ops, context) : RunC(path, length, ops, context);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private Measurement RunOurs(string path, ulong length, long ops, RunContext context)
    {
        using PmemMapping mapping = Pmem.Pmem.MapFile(path, length,
            PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive, new PmemMapSettings { IsPmemForce = false });
        if (mapping.IsPmem || mapping.Granularity != PmemGranularity.Page)
            throw new InvalidOperationException($"{path}: expected the msync path, got {mapping.Granularity}.");
        mapping.Fill(0, 0, length / _size * _size);
        var op = new OursCopy(mapping, context.Source.Pointer, _size);
        return Passes.Walk(ref op, _size, length, DramSource.Size, ops, context.Latency);
    }

    private Measurement RunC(string path, ulong length, long ops, RunContext context)
    {
        byte* map = LibPmem.MapFile(path, length, LibPmem.PMEM_FILE_CREATE | LibPmem.PMEM_FILE_EXCL,
            out ulong mapped, out _);
        try
        {
            ulong warm = length / _size * _size;
            LibC.memset(map, 0, (nuint)warm);
            LibPmem.Msync(map, warm);
            var op = new CMsyncCopy(map, context.Source.Pointer, _size);
            return Passes.Walk(ref op, _size, length, DramSource.Size, ops, context.Latency);
        }
        finally
        {
            LibPmem.Unmap(map, mapped);
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
