// obj_mutex_lock_unlock: a persistent mutex in the pool locked and unlocked per op (PMDK: libpmemobj/sync.c pmemobj_mutex_lock, pmemobj_mutex_unlock).
using Pmdk.Obj;
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
        private readonly PmemMutex _mutex;

        public OursRun(string path)
        {
            _path = path;
            _pool = ObjPool.Create(path, "cbench", PoolSize, new ObjPoolOptions { IsPmemForce = true, Prefault = true });
            _mutex = _pool.Mutex(_pool.Root(RootSize));
        }

        public string? Note => null;

        public long RunChunk(int step, long first, long count)
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
        private readonly void* _mutex;

        public CRun(string path)
        {
            _path = path;
            _pool = LibPmemObj.Create(path, "cbench", PoolSize);
            _mutex = LibPmemObj.pmemobj_direct(LibPmemObj.pmemobj_root(_pool, (nuint)RootSize));
        }

        public string? Note => null;

        public long RunChunk(int step, long first, long count)
        {
            nint pool = _pool;
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

        public LatencySummary? MeasureLatency(long count) => null;

        public void Dispose()
        {
            LibPmemObj.pmemobj_close(_pool);
            File.Delete(_path);
        }
    }
}
