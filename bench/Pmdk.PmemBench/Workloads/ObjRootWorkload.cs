// obj_root: the root object looked up and dereferenced every op (PMDK: libpmemobj/obj.c pmemobj_root, pmemobj_direct).
using Pmdk.Obj;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// Not in the perf notes. A prefaulted 64 MiB obj pool on /dev/shm whose 64-byte root object is created before
/// timing. Op: get the root (size 64) and read its first 8 bytes through a direct pointer. Ours
/// <c>pool.Root(64)</c> + <c>pool.Ref&lt;ulong&gt;</c>; C <c>pmemobj_root</c> + <c>pmemobj_direct</c>.
/// </summary>
internal sealed unsafe class ObjRootWorkload : Workload
{
    private const ulong PoolSize = 64UL << 20;
    private const ulong RootSize = 64;
    private readonly long _baseOps;

    public ObjRootWorkload(long baseOps) => _baseOps = baseOps;

    public override string Name => "obj_root";

    public override long Ops(RunContext context) => context.Ops(_baseOps);

    public override ISideRun Prepare(Side side, RunContext context)
    {
        string path = context.Files.FreshShm($"{Name}.{side}");
        try
        {
            return side == Side.Ours ? new OursRun(path) : new CRun(path);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private sealed class OursRun : ISideRun
    {
        private readonly string _path;
        private readonly ObjPool _pool;

        public OursRun(string path)
        {
            _path = path;
            _pool = ObjPool.Create(path, "cbench", PoolSize, new ObjPoolOptions { IsPmemForce = true, Prefault = true });
            _pool.Ref<ulong>(_pool.Root(RootSize)) = 1;
        }

        public string? Note => null;

        public long RunChunk(int step, long first, long count)
        {
            ObjPool pool = _pool;
            ulong sum = 0;
            long ticks = ThreadTeam.Run(1, _ =>
            {
                for (long i = 0; i < count; i++)
                    sum += pool.Ref<ulong>(pool.Root(RootSize));
            });
            return sum == (ulong)count ? ticks : throw new InvalidOperationException("root read back wrong");
        }

        public LatencySummary? MeasureLatency(long count) => null;

        public void Dispose()
        {
            _pool.Dispose();
            File.Delete(_path);
        }
    }

    private sealed class CRun : ISideRun
    {
        private readonly string _path;
        private readonly nint _pool;

        public CRun(string path)
        {
            _path = path;
            _pool = LibPmemObj.Create(path, "cbench", PoolSize);
            *(ulong*)LibPmemObj.pmemobj_direct(LibPmemObj.pmemobj_root(_pool, (nuint)RootSize)) = 1;
        }

        public string? Note => null;

        public long RunChunk(int step, long first, long count)
        {
            nint pool = _pool;
            ulong sum = 0;
            long ticks = ThreadTeam.Run(1, _ =>
            {
                for (long i = 0; i < count; i++)
                    sum += *(ulong*)LibPmemObj.pmemobj_direct(LibPmemObj.pmemobj_root(pool, (nuint)RootSize));
            });
            return sum == (ulong)count ? ticks : throw new InvalidOperationException("root read back wrong");
        }

        public LatencySummary? MeasureLatency(long count) => null;

        public void Dispose()
        {
            LibPmemObj.pmemobj_close(_pool);
            File.Delete(_path);
        }
    }
}
