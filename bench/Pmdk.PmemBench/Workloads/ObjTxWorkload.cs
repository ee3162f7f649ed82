// obj_tx_{alloc,add,empty,free}_*_t{1,2}: one transaction per op, one and two threads on one pool (perf-notes §3.3 tx_alloc, tx_add, tx_empty, tx_free).
using System.Runtime.InteropServices;
using Pmdk.Obj;
using Pmdk.Obj.Tx;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>What the body of each transaction does.</summary>
internal enum TxKind
{
    /// <summary><c>pmemobj_tx_xalloc(SIZE, 0, 0)</c> into the oid array; the objects are freed (untimed) after each round.</summary>
    Alloc,
    /// <summary><c>pmemobj_tx_add_range(obj, 0, SIZE)</c> + memset of the range, on the thread's own 4 KiB object.</summary>
    Add,
    /// <summary>Nothing.</summary>
    Empty,
    /// <summary><c>pmemobj_tx_free(oid[i])</c> of objects allocated (untimed) before each round.</summary>
    Free,
}

/// <summary>
/// A prefaulted obj pool on /dev/shm; per op one whole transaction (begin, body, commit, end). Rounds run first
/// with one thread (figure …_t1), then with two threads sharing the pool (…_t2). Ours
/// <c>pool.BeginTransaction()</c> / <c>tx.Commit()</c> / <c>tx.Dispose()</c>; C <c>pmemobj_tx_begin(pop, NULL,
/// TX_PARAM_NONE)</c> / <c>pmemobj_tx_commit</c> / <c>pmemobj_tx_end</c>.
/// </summary>
internal sealed unsafe class ObjTxWorkload : Workload
{
    private const int MaxThreads = 2;
    private const ulong AddObjectSize = 4096;
    private readonly TxKind _kind;
    private readonly ulong _size;
    private readonly long _baseOps;
    private readonly int _rounds;

    public ObjTxWorkload(TxKind kind, ulong size, long baseOpsPerRound, int rounds)
    {
        _kind = kind;
        _size = size;
        _baseOps = baseOpsPerRound;
        _rounds = rounds;
    }

    public override string Name => _kind switch
    {
        TxKind.Alloc => $"obj_tx_alloc_{SizeLabel(_size)}",
        TxKind.Add => $"obj_tx_add_{SizeLabel(_size)}",
        TxKind.Empty => "obj_tx_empty",
        _ => $"obj_tx_free_{SizeLabel(_size)}",
    };

    public override IReadOnlyList<string> FigureNames => [$"{Name}_t1", $"{Name}_t2"];

    /// <summary>Transactions per thread and round.</summary>
    public override long Ops(RunContext context) => context.Ops(_baseOps);

    /// <summary>Step id = thread count.</summary>
    public override IReadOnlyList<Step> Steps(RunContext context)
    {
        long ops = Ops(context);
        var steps = new List<Step>();
        for (int threads = 1; threads <= MaxThreads; threads++)
        {
            for (int r = 0; r < _rounds; r++)
                steps.Add(new Step(threads, threads - 1, ops, ops * threads, Chunks(ops)));
        }
        return steps;
    }

    public override ISideRun Prepare(Side side, RunContext context)
    {
        long ops = Ops(context);
        bool objects = _kind is TxKind.Alloc or TxKind.Free;
        ulong needed = objects ? (ulong)(ops * MaxThreads) * (_size + 64) * 5 / 4 + (256UL << 20) : 0;
        ulong poolSize = context.Small ? 64UL << 20 : Math.Max(1UL << 30, (needed + (256UL << 20) - 1) & ~((256UL << 20) - 1));
        string path = context.Files.FreshShm($"{Name}.{side}");
        try
        {
            return side == Side.Ours
                ? new OursRun(path, poolSize, _kind, _size, objects ? ops : 0)
                : new CRun(path, poolSize, _kind, _size, objects ? ops : 0);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Runs a chunk on one or two threads; the untimed per-round allocations and frees happen around it.</summary>
    private abstract class SideBase : ISideRun
    {
        protected readonly TxKind Kind;
        protected readonly ulong Size;
        private readonly long _ops;

        protected SideBase(TxKind kind, ulong size, long ops)
        {
            Kind = kind;
            Size = size;
            _ops = ops;
        }

        public string? Note => null;

        public long RunChunk(int step, long first, long count)
        {
            int threads = step;
            if (Kind == TxKind.Free && first == 0)
                ThreadTeam.Run(threads, t => AllocateAll(t, _ops));
            long ticks = ThreadTeam.Run(threads, t => Run(t, first, count));
            if (Kind == TxKind.Alloc && first + count == _ops)
                ThreadTeam.Run(threads, t => FreeAll(t, _ops));
            return ticks;
        }

        private void Run(int thread, long first, long count)
        {
            switch (Kind)
            {
                case TxKind.Alloc:
                    TxAlloc(thread, first, count);
                    break;
                case TxKind.Add:
                    TxAdd(thread, first, count);
                    break;
                case TxKind.Empty:
                    TxEmpty(count);
                    break;
                default:
                    TxFree(thread, first, count);
                    break;
            }
        }

        protected abstract void TxAlloc(int thread, long first, long count);

        protected abstract void TxAdd(int thread, long first, long count);

        protected abstract void TxEmpty(long count);

        protected abstract void TxFree(int thread, long first, long count);

        /// <summary>Untimed: atomic allocation of the thread's objects (before a tx_free round).</summary>
        protected abstract void AllocateAll(int thread, long ops);

        /// <summary>Untimed: atomic free of the thread's objects (after a tx_alloc round).</summary>
        protected abstract void FreeAll(int thread, long ops);

        public LatencySummary? MeasureLatency(long count) => null;

        public abstract void Dispose();
    }

    private sealed class OursRun : SideBase
    {
        private readonly string _path;
        private readonly ObjPool _pool;
        private readonly PmemOid[][] _oids;
        private readonly PmemOid[] _addObjects = new PmemOid[MaxThreads];
        private readonly nint[] _addPointers = new nint[MaxThreads];

        public OursRun(string path, ulong poolSize, TxKind kind, ulong size, long ops)
            : base(kind, size, ops)
        {
            _path = path;
            _pool = ObjPool.Create(path, "cbench", poolSize, new ObjPoolOptions { IsPmemForce = true, Prefault = true });
            _oids = new PmemOid[MaxThreads][];
            for (int t = 0; t < MaxThreads; t++)
            {
                _oids[t] = new PmemOid[ops];
                _oids[t].AsSpan().Fill(new PmemOid(1, 1)); // touch the pages before timing
                if (kind == TxKind.Add)
                {
                    _addObjects[t] = _pool.ZAllocate(AddObjectSize, 0);
                    _addPointers[t] = _pool.DangerousGetPointer(_addObjects[t]);
                }
            }
        }

        protected override void TxAlloc(int thread, long first, long count)
        {
            ObjPool pool = _pool;
            ulong size = Size;
            PmemOid[] oids = _oids[thread];
            long end = first + count;
            for (long i = first; i < end; i++)
            {
                using ObjTransaction tx = pool.BeginTransaction();
                oids[i] = tx.XAllocate(size, 0, TxAllocFlags.None);
                tx.Commit();
            }
        }

        protected override void TxAdd(int thread, long first, long count)
        {
            ObjPool pool = _pool;
            ulong size = Size;
            PmemOid obj = _addObjects[thread];
            byte* p = (byte*)_addPointers[thread];
            long end = first + count;
            for (long i = first; i < end; i++)
            {
                using ObjTransaction tx = pool.BeginTransaction();
                tx.AddRange(obj, 0, size);
                new Span<byte>(p, (int)size).Fill((byte)i);
                tx.Commit();
            }
        }

        protected override void TxEmpty(long count)
        {
            ObjPool pool = _pool;
            for (long i = 0; i < count; i++)
            {
                using ObjTransaction tx = pool.BeginTransaction();
                tx.Commit();
            }
        }

        protected override void TxFree(int thread, long first, long count)
        {
            ObjPool pool = _pool;
            PmemOid[] oids = _oids[thread];
            long end = first + count;
            for (long i = first; i < end; i++)
            {
                using ObjTransaction tx = pool.BeginTransaction();
                tx.Free(oids[i]);
                tx.Commit();
            }
        }

        protected override void AllocateAll(int thread, long ops)
        {
            PmemOid[] oids = _oids[thread];
            for (long i = 0; i < ops; i++)
                oids[i] = _pool.Allocate(Size, 0);
        }

        protected override void FreeAll(int thread, long ops)
        {
            PmemOid[] oids = _oids[thread];
            for (long i = 0; i < ops; i++)
                _pool.Free(ref oids[i]);
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
        private readonly NativeOid*[] _oids;
        private readonly NativeOid[] _addObjects = new NativeOid[MaxThreads];
        private readonly nint[] _addPointers = new nint[MaxThreads];

        public CRun(string path, ulong poolSize, TxKind kind, ulong size, long ops)
            : base(kind, size, ops)
        {
            _path = path;
            _pool = LibPmemObj.Create(path, "cbench", poolSize);
            _oids = new NativeOid*[MaxThreads];
            for (int t = 0; t < MaxThreads; t++)
            {
                _oids[t] = (NativeOid*)NativeMemory.Alloc((nuint)Math.Max(ops, 1), (nuint)sizeof(NativeOid));
                new Span<NativeOid>(_oids[t], (int)ops).Fill(new NativeOid { PoolUuidLo = 1, Off = 1 }); // touch the pages
                if (kind == TxKind.Add)
                {
                    NativeOid o;
                    if (LibPmemObj.pmemobj_zalloc(_pool, &o, (nuint)AddObjectSize, 0) != 0)
                        LibPmemObj.Throw("pmemobj_zalloc");
                    _addObjects[t] = o;
                    _addPointers[t] = (nint)LibPmemObj.pmemobj_direct(o);
                }
            }
        }

        protected override void TxAlloc(int thread, long first, long count)
        {
            nint pool = _pool;
            int err = 0;
            nuint size = (nuint)Size;
            NativeOid* oids = _oids[thread];
            long end = first + count;
            for (long i = first; i < end; i++)
            {
                err |= LibPmemObj.pmemobj_tx_begin(pool, 0, LibPmemObj.TxParamNone);
                NativeOid o = LibPmemObj.pmemobj_tx_xalloc(size, 0, 0);
                err |= o.Off == 0 ? 1 : 0;
                oids[i] = o;
                LibPmemObj.pmemobj_tx_commit();
                err |= LibPmemObj.pmemobj_tx_end();
            }
            if (err != 0)
                LibPmemObj.Throw("transaction");
        }

        protected override void TxAdd(int thread, long first, long count)
        {
            nint pool = _pool;
            int err = 0;
            ulong size = Size;
            NativeOid obj = _addObjects[thread];
            byte* p = (byte*)_addPointers[thread];
            long end = first + count;
            for (long i = first; i < end; i++)
            {
                err |= LibPmemObj.pmemobj_tx_begin(pool, 0, LibPmemObj.TxParamNone);
                err |= LibPmemObj.pmemobj_tx_add_range(obj, 0, (nuint)size);
                new Span<byte>(p, (int)size).Fill((byte)i);
                LibPmemObj.pmemobj_tx_commit();
                err |= LibPmemObj.pmemobj_tx_end();
            }
            if (err != 0)
                LibPmemObj.Throw("transaction");
        }

        protected override void TxEmpty(long count)
        {
            nint pool = _pool;
            int err = 0;
            for (long i = 0; i < count; i++)
            {
                err |= LibPmemObj.pmemobj_tx_begin(pool, 0, LibPmemObj.TxParamNone);
                LibPmemObj.pmemobj_tx_commit();
                err |= LibPmemObj.pmemobj_tx_end();
            }
            if (err != 0)
                LibPmemObj.Throw("transaction");
        }

        protected override void TxFree(int thread, long first, long count)
        {
            nint pool = _pool;
            int err = 0;
            NativeOid* oids = _oids[thread];
            long end = first + count;
            for (long i = first; i < end; i++)
            {
                err |= LibPmemObj.pmemobj_tx_begin(pool, 0, LibPmemObj.TxParamNone);
                err |= LibPmemObj.pmemobj_tx_free(oids[i]);
                LibPmemObj.pmemobj_tx_commit();
                err |= LibPmemObj.pmemobj_tx_end();
            }
            if (err != 0)
                LibPmemObj.Throw("transaction");
        }

        protected override void AllocateAll(int thread, long ops)
        {
            NativeOid* oids = _oids[thread];
            for (long i = 0; i < ops; i++)
            {
                if (LibPmemObj.pmemobj_alloc(_pool, oids + i, (nuint)Size, 0, 0, 0) != 0)
                    LibPmemObj.ThrowAlloc();
            }
        }

        protected override void FreeAll(int thread, long ops)
        {
            NativeOid* oids = _oids[thread];
            for (long i = 0; i < ops; i++)
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
