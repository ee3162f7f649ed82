// obj_mutex_lock_unlock: a persistent mutex in the pool locked and unlocked per op (PMDK: libpmemobj/sync.c pmemobj_mutex_lock, pmemobj_mutex_unlock).
using Pmdk.Obj.Locks;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// Not in the perf notes. A prefaulted 64 MiB obj pool on /dev/shm whose 64-byte root holds a <c>PMEMmutex</c>;
/// one thread, uncontended. Op: lock then unlock. Ours <c>PmemMutex.Lock</c>/<c>Unlock</c> of
/// <c>pool.Mutex(root)</c>; C <c>pmemobj_mutex_lock</c>/<c>pmemobj_mutex_unlock</c> of the root's bytes.
/// </summary>
internal sealed unsafe class ObjMutexWorkload : Workload
{
    private const ulong PoolSize = 64UL << 20;
    private const ulong RootSize = 64;
    private readonly long _baseOps;

    public ObjMutexWorkload(long baseOps) => _baseOps = baseOps;

    public override string Name => "obj_mutex_lock_unlock";

    public override long Ops(RunContext context) => context.Ops(_baseOps);

    public override ISideRun Prepare(Side side, RunContext context)
    {
        string path = context.Files.FreshShm($"{Name}.{side}");
        return OnFreshFile(path, p => side == Side.Ours ? new OursRun(p) : new CRun(p));
    }

    private sealed class OursRun : OursObjRun
    {
        private readonly PmemMutex _mutex;

        public OursRun(string path)
            : base(path, PoolSize) => _mutex = Pool.Mutex(Pool.Root(RootSize));

        public override long RunChunk(int step, long first, long count)
        {
            PmemMutex m = _mutex;
            return ThreadTeam.Run(1, _ =>
            {
                for (long i = 0; i < count; i++)
                {
                    m.Lock();
                    m.Unlock();
                }
            });
        }
    }

    private sealed class CRun : CObjRun
    {
        private readonly void* _mutex;

        public CRun(string path)
            : base(path, PoolSize) => _mutex = LibPmemObj.pmemobj_direct(LibPmemObj.pmemobj_root(Pool, (nuint)RootSize));

        public override long RunChunk(int step, long first, long count)
        {
            nint pool = Pool;
            void* m = _mutex;
            int err = 0;
            long ticks = ThreadTeam.Run(1, _ =>
            {
                for (long i = 0; i < count; i++)
                {
                    err |= LibPmemObj.pmemobj_mutex_lock(pool, m);
                    err |= LibPmemObj.pmemobj_mutex_unlock(pool, m);
                }
            });
            return err == 0 ? ticks : throw new InvalidOperationException("pmemobj_mutex_lock/unlock failed");
        }
    }
}
