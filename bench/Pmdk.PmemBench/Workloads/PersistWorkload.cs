// persist64_rand / persist64_seq: dirty one 64-byte line, persist it (perf-notes §3.1; PMDK: benchmarks/pmem_flush.cpp).
using System.Runtime.CompilerServices;
using Pmdk.Pmem;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// 64 MiB file on /dev/shm (is_pmem forced), zeroed with a memset_persist before timing. Op i:
/// <c>(*(uint64_t*)line)++</c> then persist of that 64-byte line, line = <c>next() % 1048576</c> (rand) or
/// <c>i % 1048576</c> (seq), precomputed. Ours: <c>mapping.Persist</c>; C: <c>pmem_persist</c>.
/// </summary>
internal sealed unsafe class PersistWorkload : Workload
{
    private const ulong MapLength = 64UL << 20;
    private const int LineCount = (int)(MapLength / 64);
    private readonly bool _random;
    private readonly long _baseOps;
    private int[]? _lines;

    public PersistWorkload(bool random, long baseOps)
    {
        _random = random;
        _baseOps = baseOps;
    }

    public override string Name => _random ? "persist64_rand" : "persist64_seq";

    public override long Ops(RunContext context) => context.Ops(_baseOps);

    public override ISideRun Prepare(Side side, RunContext context)
    {
        int[] lines = Lines(Ops(context));
        string path = context.Files.FreshShm($"{Name}.{side}");
        try
        {
            return side == Side.Ours ? PrepareOurs(path, lines) : PrepareC(path, lines);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private int[] Lines(long ops)
    {
        if (_lines is not null && _lines.Length >= ops)
            return _lines;
        var lines = new int[ops];
        var rng = new Xorshift64Star(0);
        for (long i = 0; i < ops; i++)
            lines[i] = _random ? (int)(rng.Next() % LineCount) : (int)(i % LineCount);
        return _lines = lines;
    }

    private static ISideRun PrepareOurs(string path, int[] lines)
    {
        PmemMapping mapping = Pmem.Pmem.MapFile(path, MapLength,
            PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive, new PmemMapSettings { IsPmemForce = true });
        try
        {
            if (!mapping.IsPmem || mapping.Granularity != PmemGranularity.CacheLine)
                throw new InvalidOperationException($"{path}: expected forced pmem, got {mapping.Granularity}.");
            mapping.Fill(0, 0, MapLength);
            return new LineRun<OursPersist>(new OursPersist(mapping, mapping.DangerousGetPointer()), lines, () =>
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

    private static ISideRun PrepareC(string path, int[] lines)
    {
        byte* map = LibPmem.MapFile(path, MapLength, LibPmem.PMEM_FILE_CREATE | LibPmem.PMEM_FILE_EXCL,
            out ulong mapped, out bool isPmem);
        try
        {
            if (!isPmem)
                throw new InvalidOperationException($"{path}: libpmem says is_pmem=0; PMEM_IS_PMEM_FORCE=1 was not seen.");
            LibPmem.pmem_memset_persist(map, 0, (nuint)MapLength);
            return new LineRun<CPersist>(new CPersist(map), lines, () =>
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

    private readonly struct OursPersist(PmemMapping mapping, byte* map) : ILineOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Do(ulong offset)
        {
            (*(ulong*)(map + offset))++;
            mapping.Persist(offset, 64);
        }
    }

    private readonly struct CPersist(byte* map) : ILineOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Do(ulong offset)
        {
            (*(ulong*)(map + offset))++;
            LibPmem.pmem_persist(map + offset, 64);
        }
    }
}
