// obj_iterate_100k: walks over 100k objects with first/next (PMDK: libpmemobj/obj.c pmemobj_first, pmemobj_next).
using Pmdk.Obj;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// Not in the perf notes. A prefaulted 64 MiB obj pool on /dev/shm holding 100 000 objects of 64 bytes, type 0,
/// allocated before timing. Op: one full walk (first, then next until null), checked to visit every object. The
/// figure is walks per second (×100k for objects per second). Ours <c>pool.First</c>/<c>Next</c>; C
/// <c>pmemobj_first</c>/<c>pmemobj_next</c> (the <c>POBJ_FOREACH</c> loop).
/// </summary>
internal sealed unsafe class ObjIterateWorkload : Workload
{
    private const ulong PoolSize = 64UL << 20;
    private const int Objects = 100_000;
    private const ulong ObjectSize = 64;
    private readonly long _baseWalks;

    public ObjIterateWorkload(long baseWalks) => _baseWalks = baseWalks;

    public override string Name => "obj_iterate_100k";

    public override long Ops(RunContext context) => context.Ops(_baseWalks, minimum: 2);

    public override ISideRun Prepare(Side side, RunContext context)
    {
        int objects = context.Small ? 1000 : Objects;
        string path = context.Files.FreshShm($"{Name}.{side}");
        return OnFreshFile(path, p => side == Side.Ours ? new OursRun(p, objects) : new CRun(p, objects));
    }

    private static void CheckVisited(long visited, long walks, int objects)
    {
        if (visited != walks * objects)
            throw new InvalidOperationException($"a walk visited {visited / Math.Max(walks, 1)} objects, expected {objects}.");
    }

    private sealed class OursRun : OursObjRun
    {
        private readonly int _objects;

        public OursRun(string path, int objects)
            : base(path, PoolSize)
        {
            _objects = objects;
            for (int i = 0; i < objects; i++)
                Pool.Allocate(ObjectSize, 0);
        }

        public override long RunChunk(int step, long first, long count)
        {
            ObjPool pool = Pool;
            long visited = 0;
            long ticks = ThreadTeam.Run(1, _ =>
            {
                for (long i = 0; i < count; i++)
                {
                    for (PmemOid o = pool.First(); !o.IsNull; o = pool.Next(o))
                        visited++;
                }
            });
            CheckVisited(visited, count, _objects);
            return ticks;
        }
    }

    private sealed class CRun : CObjRun
    {
        private readonly int _objects;

        public CRun(string path, int objects)
            : base(path, PoolSize)
        {
            _objects = objects;
            NativeOid oid;
            for (int i = 0; i < objects; i++)
            {
                if (LibPmemObj.pmemobj_alloc(Pool, &oid, (nuint)ObjectSize, 0, 0, 0) != 0)
                    LibPmemObj.ThrowAlloc();
            }
        }

        public override long RunChunk(int step, long first, long count)
        {
            nint pool = Pool;
            long visited = 0;
            long ticks = ThreadTeam.Run(1, _ =>
            {
                for (long i = 0; i < count; i++)
                {
                    for (NativeOid o = LibPmemObj.pmemobj_first(pool); o.Off != 0; o = LibPmemObj.pmemobj_next(o))
                        visited++;
                }
            });
            CheckVisited(visited, count, _objects);
            return ticks;
        }
    }
}
