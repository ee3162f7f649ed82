// memcpy_persist / memset_persist SIZE on emulated pmem (perf-notes §3.1; PMDK: benchmarks/pmem_memcpy.cpp, pmem_memset.cpp).
using System.Runtime.CompilerServices;
using Pmdk.Pmem;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// A 1 GiB file on /dev/shm (is_pmem forced), warmed with a zero memset_persist of every slot, then walked
/// slot by slot: ours <c>mapping.Write</c>/<c>mapping.Fill</c>, C <c>pmem_memcpy_persist</c>/<c>pmem_memset_persist</c>.
/// </summary>
internal sealed unsafe class CopyWorkload : Workload
{
    private const ulong MapLength = 1UL << 30;
    private readonly bool _fill;
    private readonly ulong _size;
    private readonly long _baseOps;

    public CopyWorkload(bool fill, ulong size, long baseOps)
    {
        _fill = fill;
        _size = size;
        _baseOps = baseOps;
    }

    public override string Name => $"{(_fill ? "memset" : "memcpy")}_persist_{SizeLabel(_size)}";

    public override ulong BytesPerOp => _size;

    public override long Ops(RunContext context) => context.Ops(_baseOps);

    public override ISideRun Prepare(Side side, RunContext context)
    {
        ulong length = context.Small ? Math.Max(8UL << 20, 4 * _size) : MapLength;
        string path = context.Files.FreshShm($"{Name}.{side}");
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
            PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive, new PmemMapSettings { IsPmemForce = true });
        void Cleanup()
        {
            mapping.Dispose();
            File.Delete(path);
        }
        try
        {
            if (!mapping.IsPmem || mapping.Granularity != PmemGranularity.CacheLine)
                throw new InvalidOperationException($"{path}: expected forced pmem, got {mapping.Granularity}.");
            mapping.Fill(0, 0, length / _size * _size);
            return _fill
                ? new WalkRun<OursFill>(new OursFill(mapping, _size), _size, length, Cleanup)
                : new WalkRun<OursCopy>(new OursCopy(mapping, context.Source.Pointer, _size), _size, length, Cleanup);
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
            out ulong mapped, out bool isPmem);
        void Cleanup()
        {
            LibPmem.Unmap(map, mapped);
            File.Delete(path);
        }
        try
        {
            if (!isPmem)
                throw new InvalidOperationException($"{path}: libpmem says is_pmem=0; PMEM_IS_PMEM_FORCE=1 was not seen.");
            LibPmem.pmem_memset_persist(map, 0, (nuint)(length / _size * _size));
            return _fill
                ? new WalkRun<CFill>(new CFill(map, _size), _size, length, Cleanup)
                : new WalkRun<CCopy>(new CCopy(map, context.Source.Pointer, _size), _size, length, Cleanup);
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

    private readonly struct OursFill(PmemMapping mapping, ulong size) : IWalkOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Do(ulong destination, ulong src, long i) => mapping.Fill(destination, (byte)i, size);
    }

    private readonly struct CCopy(byte* map, byte* source, ulong size) : IWalkOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Do(ulong destination, ulong src, long i) =>
            LibPmem.pmem_memcpy_persist(map + destination, source + src, (nuint)size);
    }

    private readonly struct CFill(byte* map, ulong size) : IWalkOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Do(ulong destination, ulong src, long i) =>
            LibPmem.pmem_memset_persist(map + destination, (int)(i & 0xff), (nuint)size);
    }
}
