// obj_list_insert_remove: atomic list insert at the tail of preallocated objects, then their removal (PMDK: libpmemobj/list.c pmemobj_list_insert, pmemobj_list_remove).
using System.Globalization;
using System.Runtime.InteropServices;
using Pmdk.Obj;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// Not in the perf notes. A prefaulted 256 MiB obj pool on /dev/shm whose 80-byte root is the list head
/// (<c>POBJ_LIST_HEAD</c>: first oid + PMEMmutex); OPS objects of 64 bytes (entry at offset 0) are allocated before
/// timing. Step "insert": object i is linked at the tail, i ascending; step "remove": object i is unlinked, i
/// ascending (always the head). Figure = insert+remove pairs per second; the separate rates are a comment. Ours
/// <c>pool.ListInsert</c>/<c>ListRemove</c>; C <c>pmemobj_list_insert(pop, 0, head, OID_NULL, 0, oid)</c>/
/// <c>pmemobj_list_remove(pop, 0, head, oid, 0)</c>, each under the head's lock in one redo log.
/// </summary>
internal sealed unsafe class ObjListWorkload : Workload
{
    private const ulong PoolSize = 256UL << 20;
    private const ulong HeadSize = 80;
    private const ulong ObjectSize = 64;
    private readonly long _baseOps;

    public ObjListWorkload(long baseOps) => _baseOps = baseOps;

    public override string Name => "obj_list_insert_remove";

    public override long Ops(RunContext context) => context.Ops(_baseOps);

    /// <summary>Step 0 inserts, step 1 removes (its time counts, its ops do not: the figure is pairs).</summary>
    public override IReadOnlyList<Step> Steps(RunContext context)
    {
        long ops = Ops(context);
        return [new Step(0, 0, ops, ops, Chunks(ops)), new Step(1, 0, ops, 0, Chunks(ops))];
    }

    public override ISideRun Prepare(Side side, RunContext context)
    {
        string path = context.Files.FreshShm($"{Name}.{side}");
        try
        {
            ulong poolSize = context.Small ? 64UL << 20 : PoolSize;
            return side == Side.Ours ? new OursRun(path, poolSize, Ops(context)) : new CRun(path, poolSize, Ops(context));
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private abstract class SideBase : ISideRun
    {
        private long _insertTicks, _removeTicks, _inserted;

        public string? Note
        {
            get
            {
                double f = System.Diagnostics.Stopwatch.Frequency;
                return string.Create(CultureInfo.InvariantCulture,
                    $"insert {Figures.Rate(_inserted * f / _insertTicks)}/s remove {Figures.Rate(_inserted * f / _removeTicks)}/s");
            }
        }

        public long RunChunk(int step, long first, long count)
        {
            long ticks = ThreadTeam.Run(1, _ =>
            {
                if (step == 0)
                    Insert(first, count);
                else
                    Remove(first, count);
            });
            if (step == 0)
            {
                _insertTicks += ticks;
                _inserted += count;
            }
            else
            {
                _removeTicks += ticks;
            }
            return ticks;
        }

        protected abstract void Insert(long first, long count);

        protected abstract void Remove(long first, long count);

        public LatencySummary? MeasureLatency(long count) => null;

        public abstract void Dispose();
    }

    private sealed class OursRun : SideBase
    {
        private readonly string _path;
        private readonly ObjPool _pool;
        private readonly ulong _head;
        private readonly PmemOid[] _oids;

        public OursRun(string path, ulong poolSize, long ops)
        {
            _path = path;
            _pool = ObjPool.Create(path, "cbench", poolSize, new ObjPoolOptions { IsPmemForce = true, Prefault = true });
            _head = _pool.Root(HeadSize).Offset;
            _oids = new PmemOid[ops];
            for (long i = 0; i < ops; i++)
                _oids[i] = _pool.ZAllocate(ObjectSize, 1);
        }

        protected override void Insert(long first, long count)
        {
            ObjPool pool = _pool;
            ulong head = _head;
            PmemOid[] oids = _oids;
            for (long i = first; i < first + count; i++)
                pool.ListInsert(0, head, PmemOid.Null, before: false, oids[i]);
        }

        protected override void Remove(long first, long count)
        {
            ObjPool pool = _pool;
            ulong head = _head;
            PmemOid[] oids = _oids;
            for (long i = first; i < first + count; i++)
                pool.ListRemove(0, head, oids[i]);
        }

        public override void Dispose()
        {
            _pool.Dispose();
            File.Delete(_path);
        }
    }

    private sealed class CRun : SideBase
    {
        private readonly string _path;
        private readonly nint _pool;
        private readonly void* _head;
        private readonly NativeOid* _oids;

        public CRun(string path, ulong poolSize, long ops)
        {
            _path = path;
            _pool = LibPmemObj.Create(path, "cbench", poolSize);
            _head = LibPmemObj.pmemobj_direct(LibPmemObj.pmemobj_root(_pool, (nuint)HeadSize));
            _oids = (NativeOid*)NativeMemory.Alloc((nuint)Math.Max(ops, 1), (nuint)sizeof(NativeOid));
            for (long i = 0; i < ops; i++)
            {
                if (LibPmemObj.pmemobj_zalloc(_pool, _oids + i, (nuint)ObjectSize, 1) != 0)
                    LibPmemObj.Throw("pmemobj_zalloc");
            }
        }

        protected override void Insert(long first, long count)
        {
            nint pool = _pool;
            void* head = _head;
            NativeOid* oids = _oids;
            int err = 0;
            for (long i = first; i < first + count; i++)
                err |= LibPmemObj.pmemobj_list_insert(pool, 0, head, default, 0, oids[i]);
            if (err != 0)
                LibPmemObj.Throw("pmemobj_list_insert");
        }

        protected override void Remove(long first, long count)
        {
            nint pool = _pool;
            void* head = _head;
            NativeOid* oids = _oids;
            int err = 0;
            for (long i = first; i < first + count; i++)
                err |= LibPmemObj.pmemobj_list_remove(pool, 0, head, oids[i], 0);
            if (err != 0)
                LibPmemObj.Throw("pmemobj_list_remove");
        }

        public override void Dispose()
        {
            LibPmemObj.pmemobj_close(_pool);
            NativeMemory.Free(_oids);
            File.Delete(_path);
        }
    }
}
