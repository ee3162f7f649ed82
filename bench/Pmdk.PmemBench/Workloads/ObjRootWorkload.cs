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
        return OnFreshFile(path, p => side == Side.Ours ? new OursRun(p) : new CRun(p));
    }

    private sealed class OursRun : OursObjRun
    {
        public OursRun(string path)
            : base(path, PoolSize) => Pool.Ref<ulong>(Pool.Root(RootSize)) = 1;

        public override long RunChunk(int step, long first, long count)
        {
            ObjPool pool = Pool;
            ulong sum = 0;
            long ticks = ThreadTeam.Run(1, _ =>
            {
                for (long i = 0; i < count; i++)
                    sum += pool.Ref<ulong>(pool.Root(RootSize));
            });
            return sum == (ulong)count ? ticks : throw new InvalidOperationException("root read back wrong");
        }
    }

    private sealed class CRun : CObjRun
    {
        public CRun(string path)
            : base(path, PoolSize) => *(ulong*)LibPmemObj.pmemobj_direct(LibPmemObj.pmemobj_root(Pool, (nuint)RootSize)) = 1;

        public override long RunChunk(int step, long first, long count)
        {
            nint pool = Pool;
            ulong sum = 0;
            long ticks = ThreadTeam.Run(1, _ =>
            {
                for (long i = 0; i < count; i++)
                    sum += *(ulong*)LibPmemObj.pmemobj_direct(LibPmemObj.pmemobj_root(pool, (nuint)RootSize));
            });
            return sum == (ulong)count ? ticks : throw new InvalidOperationException("root read back wrong");
        }
    }
}
