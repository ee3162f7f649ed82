// obj_hashmap_tx_{insert,get}: PMDK's hashmap_tx example against our port of it (PMDK: examples/libpmemobj/hashmap/hashmap_tx.c).
using Pmdk.Examples.MapCli;
using Pmdk.Obj;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// Not in the perf notes. A prefaulted 512 MiB obj pool on /dev/shm with an empty hashmap_tx map (seed 0, hash
/// coefficients from an unseeded glibc <c>rand()</c> on both sides, so both maps hash alike and rebuild at the same
/// counts). Step "insert": OPS distinct xorshift64* keys, one transaction each (two snapshots + one tx alloc, a
/// rebuild transaction when a bucket chain grows too long); step "get": the same keys looked up in the same order,
/// each checked found. Ours <c>HashMapTx.Insert</c>/<c>Lookup</c> (examples/MapCli, the C# port of hashmap_tx.c,
/// which has no get; its lookup walks the chain the same way); C <c>hm_tx_insert</c>/<c>hm_tx_get</c> through
/// <see cref="CHashMapTx"/>.
/// </summary>
internal sealed class ObjHashMapWorkload : Workload
{
    private const ulong PoolSize = 512UL << 20;
    private readonly long _baseOps;

    public ObjHashMapWorkload(long baseOps) => _baseOps = baseOps;

    public override string Name => "obj_hashmap_tx";

    public override IReadOnlyList<string> FigureNames => ["obj_hashmap_tx_insert", "obj_hashmap_tx_get"];

    public override long Ops(RunContext context) => context.Ops(_baseOps);

    /// <summary>Step 0 inserts, step 1 gets.</summary>
    public override IReadOnlyList<Step> Steps(RunContext context)
    {
        long ops = Ops(context);
        return [new Step(0, 0, ops, ops, Chunks(ops)), new Step(1, 1, ops, ops, Chunks(ops))];
    }

    public override ISideRun Prepare(Side side, RunContext context)
    {
        long ops = Ops(context);
        ulong[] keys = new ulong[ops];
        var rng = new Xorshift64Star(0);
        for (long i = 0; i < ops; i++)
            keys[i] = rng.Next();
        string path = context.Files.FreshShm($"{Name}.{side}");
        ulong poolSize = context.Small ? 64UL << 20 : PoolSize;
        return OnFreshFile(path, p => side == Side.Ours ? new OursRun(p, poolSize, keys) : new CRun(p, poolSize, keys));
    }

    private sealed class OursRun : OursObjRun
    {
        private readonly HashMapTx _map;
        private readonly PmemOid _mapOid;
        private readonly ulong[] _keys;

        public OursRun(string path, ulong poolSize, ulong[] keys)
            : base(path, poolSize)
        {
            _keys = keys;
            PmemOid root = Pool.Root(16);
            _map = new HashMapTx(Pool, new GlibcRandom(1));
            _map.Create(root, 0, 0);
            _mapOid = Pool.Ref<PmemOid>(root);
        }

        public override long RunChunk(int step, long first, long count)
        {
            HashMapTx map = _map;
            PmemOid m = _mapOid;
            ulong[] keys = _keys;
            long bad = 0;
            long ticks = ThreadTeam.Run(1, _ =>
            {
                if (step == 0)
                {
                    for (long i = first; i < first + count; i++)
                        bad += map.Insert(m, keys[i], m);
                }
                else
                {
                    for (long i = first; i < first + count; i++)
                        bad += map.Lookup(m, keys[i]) ? 0 : 1;
                }
            });
            return bad == 0 ? ticks : throw new InvalidOperationException($"hashmap step {step}: {bad} keys not inserted/found");
        }
    }

    private sealed class CRun : CObjRun
    {
        private readonly NativeOid _map;
        private readonly ulong[] _keys;

        public CRun(string path, ulong poolSize, ulong[] keys)
            : base(path, poolSize)
        {
            _keys = keys;
            _map = CHashMapTx.Create(Pool);
            if (_map.Off == 0)
                LibPmemObj.Throw("hm_tx_create");
        }

        public override long RunChunk(int step, long first, long count)
        {
            nint pool = Pool;
            NativeOid m = _map;
            ulong[] keys = _keys;
            long bad = 0;
            long ticks = ThreadTeam.Run(1, _ =>
            {
                if (step == 0)
                {
                    for (long i = first; i < first + count; i++)
                        bad += CHashMapTx.Insert(pool, m, keys[i], m) != 0 ? 1 : 0;
                }
                else
                {
                    for (long i = first; i < first + count; i++)
                        bad += CHashMapTx.Get(pool, m, keys[i]).Off == 0 ? 1 : 0;
                }
            });
            return bad == 0 ? ticks : throw new InvalidOperationException($"hashmap step {step}: {bad} keys not inserted/found");
        }
    }
}
