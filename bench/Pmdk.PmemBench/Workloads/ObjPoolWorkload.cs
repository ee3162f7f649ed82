// obj_pool_create_1g / obj_pool_open_1g: timed pmemobj_create and pmemobj_open of a 1 GiB pool (perf-notes §3.3 "pool").
using System.Diagnostics;
using System.Globalization;
using Pmdk.Obj;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// No prefault on either side (while this workload runs, <c>PMEMOBJ_CONF</c> is unset and C's prefault ctls are off). Step 0 (create figure),
/// one op per chunk: unlink, timed create of a 1 GiB pool with layout "cbench", untimed close. Step 1 (open figure):
/// timed open of the last created pool, timed close (median printed as a comment). Ours <c>ObjPool.Create</c>/
/// <c>Open</c>/<c>Dispose</c>; C <c>pmemobj_create</c>/<c>pmemobj_open</c>/<c>pmemobj_close</c>.
/// </summary>
internal sealed class ObjPoolWorkload : Workload
{
    private const ulong PoolSize = 1UL << 30;
    private const string Layout = "cbench";
    private readonly long _baseIterations;

    public ObjPoolWorkload(long baseIterations) => _baseIterations = baseIterations;

    public override string Name => "obj_pool_1g";

    public override IReadOnlyList<string> FigureNames => ["obj_pool_create_1g", "obj_pool_open_1g"];

    public override long Ops(RunContext context) => context.Ops(_baseIterations, minimum: 3);

    public override int Chunks(long ops) => (int)ops;

    public override IReadOnlyList<Step> Steps(RunContext context)
    {
        long ops = Ops(context);
        return [new Step(0, 0, ops, ops, (int)ops), new Step(1, 1, ops, ops, (int)ops)];
    }

    public override ISideRun Prepare(Side side, RunContext context) =>
        new PoolRun(side, context.Files.FreshShm($"{Name}.{side}"), context.Small ? 16UL << 20 : PoolSize);

    private sealed class PoolRun : ISideRun
    {
        private readonly Side _side;
        private readonly string _path;
        private readonly ulong _size;
        private readonly List<double> _close = [];

        public PoolRun(Side side, string path, ulong size)
        {
            _side = side;
            _path = path;
            _size = size;
            if (side == Side.C)
                LibPmemObj.SetPrefault(false, RunContext.PrefaultConfig);
        }

        public string? Note => string.Create(CultureInfo.InvariantCulture, $"close p50={Figures.Median(_close):0.0}us");

        public long RunChunk(int step, long first, long count)
        {
            long ticks = 0;
            for (long i = 0; i < count; i++)
                ticks += step == 0 ? Create() : Open();
            return ticks;
        }

        private long Create()
        {
            File.Delete(_path);
            long t0 = Stopwatch.GetTimestamp();
            if (_side == Side.Ours)
            {
                ObjPool pool = ObjPool.Create(_path, Layout, _size, new ObjPoolOptions { IsPmemForce = true });
                long ticks = Stopwatch.GetTimestamp() - t0;
                pool.Dispose();
                return ticks;
            }
            else
            {
                nint pool = LibPmemObj.Create(_path, Layout, _size);
                long ticks = Stopwatch.GetTimestamp() - t0;
                LibPmemObj.pmemobj_close(pool);
                return ticks;
            }
        }

        private long Open()
        {
            long t0 = Stopwatch.GetTimestamp();
            long ticks, t1;
            if (_side == Side.Ours)
            {
                ObjPool pool = ObjPool.Open(_path, Layout, new ObjPoolOptions { IsPmemForce = true });
                ticks = Stopwatch.GetTimestamp() - t0;
                t1 = Stopwatch.GetTimestamp();
                pool.Dispose();
            }
            else
            {
                nint pool = LibPmemObj.Open(_path, Layout);
                ticks = Stopwatch.GetTimestamp() - t0;
                t1 = Stopwatch.GetTimestamp();
                LibPmemObj.pmemobj_close(pool);
            }
            _close.Add((Stopwatch.GetTimestamp() - t1) * 1e6 / Stopwatch.Frequency);
            return ticks;
        }

        public LatencySummary? MeasureLatency(long count) => null;

        public void Dispose()
        {
            if (_side == Side.C)
                LibPmemObj.SetPrefault(true, RunContext.PrefaultConfig);
            File.Delete(_path);
        }
    }
}
