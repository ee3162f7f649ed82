// obj_alloc_free_SIZE_t{1,2}: atomic pmemobj_alloc of OPS objects then pmemobj_free of them, per round (perf-notes §3.3 "alloc").
using System.Globalization;
using System.Runtime.InteropServices;
using Pmdk.Obj;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// A prefaulted obj pool on /dev/shm (1 GiB, larger when the objects of one round need it). Per round: OPS
/// allocations per thread of SIZE bytes, type 0, no constructor, into a DRAM oid array (step "alloc"), then the
/// frees in the same order (step "free"). The rounds run first with one thread (figure obj_alloc_free_SIZE_t1), then
/// with two threads sharing the pool (…_t2). A figure is alloc+free pairs per second (the time of both steps); the
/// separate alloc and free rates are printed as a comment. Ours <c>ObjPool.Allocate</c>/<c>Free</c>; C
/// <c>pmemobj_alloc</c>/<c>pmemobj_free</c>.
/// </summary>
/// <remarks>Deviation from perf-notes §3.3 (a fresh pool per thread count): the two-thread rounds reuse the pool of
/// the one-thread rounds (empty again after its last free), which saves a pool creation and prefault per side.</remarks>
internal sealed unsafe class ObjAllocFreeWorkload : Workload
{
    private const int MaxThreads = 2;
    private readonly ulong _size;
    private readonly long _baseOps;
    private readonly int _rounds;

    public ObjAllocFreeWorkload(ulong size, long baseOpsPerRound, int rounds)
    {
        _size = size;
        _baseOps = baseOpsPerRound;
        _rounds = rounds;
    }

    public override string Name => $"obj_alloc_free_{SizeLabel(_size)}";

    public override IReadOnlyList<string> FigureNames => [$"{Name}_t1", $"{Name}_t2"];

    /// <summary>Allocations per thread and round.</summary>
    public override long Ops(RunContext context) => context.Ops(_baseOps);

    /// <summary>Step id: bit 0 = free, bit 1 = two threads.</summary>
    public override IReadOnlyList<Step> Steps(RunContext context)
    {
        long ops = Ops(context);
        var steps = new List<Step>();
        for (int threads = 1; threads <= MaxThreads; threads++)
        {
            int t2 = threads == 2 ? 2 : 0;
            for (int r = 0; r < _rounds; r++)
            {
                steps.Add(new Step(t2, threads - 1, ops, ops * threads, Chunks(ops)));
                steps.Add(new Step(t2 | 1, threads - 1, ops, 0, Chunks(ops)));
            }
        }
        return steps;
    }

    public override ISideRun Prepare(Side side, RunContext context)
    {
        long ops = Ops(context);
        ulong needed = (ulong)(ops * MaxThreads) * (_size + 64) * 5 / 4 + (256UL << 20);
        ulong poolSize = context.Small ? 64UL << 20 : Math.Max(1UL << 30, (needed + (256UL << 20) - 1) & ~((256UL << 20) - 1));
        string path = context.Files.FreshShm($"{Name}.{side}");
        try
        {
            return side == Side.Ours
                ? new OursRun(path, poolSize, _size, ops)
                : new CRun(path, poolSize, _size, ops);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Runs the steps on one or two threads and splits their time for the comment line.</summary>
    private abstract class Side2 : ISideRun
    {
        private readonly long[] _allocTicks = new long[MaxThreads];
        private readonly long[] _freeTicks = new long[MaxThreads];
        private readonly long[] _allocs = new long[MaxThreads];

        public string? Note
        {
            get
            {
                double f = System.Diagnostics.Stopwatch.Frequency;
                return string.Join(' ', Enumerable.Range(0, MaxThreads).Select(i => string.Create(CultureInfo.InvariantCulture,
                    $"t{i + 1}: alloc {Figures.Rate(_allocs[i] * f / _allocTicks[i])}/s free {Figures.Rate(_allocs[i] * f / _freeTicks[i])}/s")));
            }
        }

        public long RunChunk(int step, long first, long count)
        {
            int threads = (step & 2) != 0 ? 2 : 1;
            bool free = (step & 1) != 0;
            long ticks = ThreadTeam.Run(threads, t =>
            {
                if (free)
                    Free(t, first, count);
                else
                    Allocate(t, first, count);
            });
            if (free)
            {
                _freeTicks[threads - 1] += ticks;
            }
            else
            {
                _allocTicks[threads - 1] += ticks;
                _allocs[threads - 1] += count * threads;
            }
            return ticks;
        }

        protected abstract void Allocate(int thread, long first, long count);

        protected abstract void Free(int thread, long first, long count);

        public LatencySummary? MeasureLatency(long count) => null;

        public abstract void Dispose();
    }

    private sealed class OursRun : Side2
    {
        private readonly string _path;
        private readonly ObjPool _pool;
        private readonly ulong _size;
        private readonly PmemOid[][] _oids;

        public OursRun(string path, ulong poolSize, ulong size, long ops)
        {
            _path = path;
            _size = size;
            _pool = ObjPool.Create(path, "cbench", poolSize, new ObjPoolOptions { IsPmemForce = true, Prefault = true });
            _oids = new PmemOid[MaxThreads][];
            for (int t = 0; t < MaxThreads; t++)
            {
                _oids[t] = new PmemOid[ops];
                _oids[t].AsSpan().Fill(new PmemOid(1, 1)); // touch the pages before timing
            }
        }

        protected override void Allocate(int thread, long first, long count)
        {
            ObjPool pool = _pool;
            ulong size = _size;
            PmemOid[] oids = _oids[thread];
            long end = first + count;
            for (long i = first; i < end; i++)
                oids[i] = pool.Allocate(size, 0);
        }

        protected override void Free(int thread, long first, long count)
        {
            ObjPool pool = _pool;
            PmemOid[] oids = _oids[thread];
            long end = first + count;
            for (long i = first; i < end; i++)
                pool.Free(ref oids[i]);
        }

        public override void Dispose()
        {
            _pool.Dispose();
            File.Delete(_path);
        }
    }

    private sealed class CRun : Side2
    {
        private readonly string _path;
        private readonly nint _pool;
        private readonly nuint _size;
        private readonly NativeOid*[] _oids;

        public CRun(string path, ulong poolSize, ulong size, long ops)
        {
            _path = path;
            _size = (nuint)size;
            _pool = LibPmemObj.Create(path, "cbench", poolSize);
            _oids = new NativeOid*[MaxThreads];
            for (int t = 0; t < MaxThreads; t++)
            {
                _oids[t] = (NativeOid*)NativeMemory.Alloc((nuint)ops, (nuint)sizeof(NativeOid));
                new Span<NativeOid>(_oids[t], (int)ops).Fill(new NativeOid { PoolUuidLo = 1, Off = 1 }); // touch the pages
            }
        }

        protected override void Allocate(int thread, long first, long count)
        {
            nint pool = _pool;
            nuint size = _size;
            NativeOid* oids = _oids[thread];
            long end = first + count;
            for (long i = first; i < end; i++)
            {
                if (LibPmemObj.pmemobj_alloc(pool, oids + i, size, 0, 0, 0) != 0)
                    LibPmemObj.ThrowAlloc();
            }
        }

        protected override void Free(int thread, long first, long count)
        {
            NativeOid* oids = _oids[thread];
            long end = first + count;
            for (long i = first; i < end; i++)
                LibPmemObj.pmemobj_free(oids + i);
        }

        public override void Dispose()
        {
            LibPmemObj.pmemobj_close(_pool);
            foreach (NativeOid* p in _oids)
                NativeMemory.Free(p);
            File.Delete(_path);
        }
    }
}
