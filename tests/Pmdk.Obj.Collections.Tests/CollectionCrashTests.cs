// Simulated power failure at every fence of hash map and radix tree workloads: after recovery the collection holds exactly the completed operations, possibly plus the one in flight, never a part of one.
using System.Text;
using Pmdk.Pmem.Simulation;
using Pmdk.Testing;
using Pmdk.Testing.Crash;
using Xunit.Abstractions;

namespace Pmdk.Obj.Collections.Tests;

public sealed class CollectionCrashTests(ITestOutputHelper output) : IDisposable
{
    private const string Layout = "collcrash";
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>One workload step: a name, the change to the collection and the same change to the model.</summary>
    private sealed record Step(string Name, Action<ObjPool, PmemOid> Apply, Action<SortedDictionary<string, string>> Model);

    /// <summary>
    /// Runs <paramref name="steps"/> (step 0 creates the collection and stores its OID in the root) through the
    /// simulator, then checks every crash image: the contents read by <paramref name="read"/> must equal the model
    /// after the completed steps or after the one in progress, and the pool must check clean.
    /// </summary>
    private void Run(string name, Func<Pmdk.Obj.Tx.ObjTransaction, PmemOid> create, List<Step> steps, Func<ObjPool, PmemOid, string> read, Action<SortedDictionary<string, string>>? initial = null)
    {
        // States[i] = the model after i steps (state 0: no collection; state 1: empty).
        var states = new List<string> { "<none>" };
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        initial?.Invoke(model);
        states.Add(Render(model));
        foreach (Step s in steps)
        {
            s.Model(model);
            states.Add(Render(model));
        }
        string path = _dir.File(name + ".pool");
        var force = new ObjPoolOptions { IsPmemForce = true };
        ObjPool.Create(path, Layout, 16 << 20, force).Dispose();
        CrashReport report = CrashHarness.Run(path, sim =>
        {
            using ObjPool pool = ObjPool.Open(path, Layout, new ObjPoolOptions { IsPmemForce = true, PersistenceProvider = sim });
            PmemOid root = pool.Root(16);
            using (sim.Operation("create"))
            {
                pool.Transaction(tx =>
                {
                    PmemOid c = create(tx);
                    tx.AddRange(root, 0, 16);
                    pool.Ref<PmemOid>(root) = c;
                });
            }
            for (int i = 0; i < steps.Count; i++)
            {
                Step s = steps[i];
                using (sim.Operation($"#{i} {s.Name}"))
                    s.Apply(pool, pool.Ref<PmemOid>(root));
            }
        }, (image, imagePath) =>
        {
            int done = image.CompletedOperations.Count;
            int hi = Math.Min(done + (image.InProgressOperation is null ? 0 : 1), states.Count - 1);
            using (ObjPool pool = ObjPool.Open(imagePath, Layout, force))
            {
                PmemOid root = pool.RootOrNull;
                PmemOid c = root.IsNull ? PmemOid.Null : pool.Ref<PmemOid>(root);
                string got = c.IsNull ? "<none>" : read(pool, c);
                if (got != states[done] && got != states[hi])
                    throw new InvalidDataException($"after {done} steps (in flight: {image.InProgressOperation}): got {got}, expected {states[done]} or {states[hi]}");
            }
            // The deep heap check costs as much as the rest; every third crash point keeps the run short.
            if (image.FenceIndex % 3 == 0 && !ObjPool.Check(imagePath, Layout, out string? problem))
                throw new InvalidDataException("check after recovery: " + problem);
        }, new CrashOptions { Engines = [ReorderEngine.Accumulative] });
        output.WriteLine(report.ToString());
        Assert.Equal(0, report.FailureCount);
        Assert.True(report.ImagesChecked >= steps.Count * 3, report.ToString());
    }

    private static string Render(SortedDictionary<string, string> m) => string.Join(";", m.Select(kv => kv.Key + "=" + kv.Value));

    [Fact]
    public void Hash_map_holds_whole_operations_only_at_every_fence()
    {
        var steps = new List<Step>();
        // 66 inserts: the 65th rehashes 64 -> 128 buckets inside its transaction.
        for (int i = 0; i < 66; i++)
        {
            int k = i * 7919 % 1000;
            steps.Add(new($"put {k}", (p, o) => PersistentHashMap<int, long>.Open(p, o).Set(k, k * 10L), m => m[k.ToString("D4")] = (k * 10L).ToString()));
        }
        for (int i = 0; i < 66; i += 11)
        {
            int k = i * 7919 % 1000;
            steps.Add(new($"remove {k}", (p, o) => PersistentHashMap<int, long>.Open(p, o).Remove(k), m => m.Remove(k.ToString("D4"))));
        }
        for (int i = 1; i < 66; i += 16)
        {
            int k = i * 7919 % 1000;
            steps.Add(new($"update {k}", (p, o) => PersistentHashMap<int, long>.Open(p, o)[k] = -k, m => m[k.ToString("D4")] = (-k).ToString()));
        }
        Run("hashmap",
            tx => PersistentHashMap<int, long>.Create(tx).Oid,
            steps,
            (p, o) =>
            {
                var map = PersistentHashMap<int, long>.Open(p, o);
                var m = new SortedDictionary<string, string>(map.ToDictionary(kv => kv.Key.ToString("D4"), kv => kv.Value.ToString()), StringComparer.Ordinal);
                if (m.Count != map.Count)
                    throw new InvalidDataException($"count {map.Count} but {m.Count} entries");
                return Render(m);
            });
    }

    [Fact]
    public void Radix_tree_holds_whole_operations_only_at_every_fence()
    {
        var rnd = new Random(5);
        var steps = new List<Step>();
        var keys = new List<string>();
        for (int i = 0; i < 36; i++)
        {
            string k = new string('a', rnd.Next(0, 3)) + (char)('a' + rnd.Next(4)) + rnd.Next(20);
            string v = new string('v', rnd.Next(0, 30)) + i;
            keys.Add(k);
            steps.Add(new($"set {k}", (p, o) => RadixTree.Open(p, o).Set(k, v), m => m[k] = v));
        }
        for (int i = 0; i < 36; i += 3)
        {
            string k = keys[i];
            steps.Add(new($"remove {k}", (p, o) => RadixTree.Open(p, o).Remove(k), m => m.Remove(k)));
        }
        Run("radix",
            tx => RadixTree.Create(tx).Oid,
            steps,
            (p, o) =>
            {
                var tree = RadixTree.Open(p, o);
                var pairs = tree.Select(kv => (Encoding.UTF8.GetString(kv.Key), Encoding.UTF8.GetString(kv.Value))).ToList();
                if (pairs.Count != tree.Count)
                    throw new InvalidDataException($"count {tree.Count} but {pairs.Count} entries");
                for (int i = 1; i < pairs.Count; i++)
                {
                    if (string.CompareOrdinal(pairs[i - 1].Item1, pairs[i].Item1) >= 0)
                        throw new InvalidDataException($"order broken at {pairs[i].Item1}");
                }
                return string.Join(";", pairs.Select(kv => kv.Item1 + "=" + kv.Item2));
            });
    }

    [Fact]
    public void Vector_and_string_hold_whole_operations_only_at_every_fence()
    {
        // The model mirrors a vector of longs (keys "v0000".."vNNNN") and a string (key "s").
        var list = new List<long>();
        string text = "";
        var steps = new List<Step>();
        void Sync(SortedDictionary<string, string> m)
        {
            m.Clear();
            for (int i = 0; i < list.Count; i++)
                m["v" + i.ToString("D4")] = list[i].ToString();
            m["s"] = text;
        }
        for (int i = 0; i < 18; i++)
        {
            long x = i * 11;
            steps.Add(new($"add {x}", (p, o) => Vec(p, o).Add(x), m => { list.Add(x); Sync(m); }));
        }
        for (int i = 0; i < 4; i++)
        {
            int at = i * 3;
            steps.Add(new($"set {at}", (p, o) => Vec(p, o)[at] = -at, m => { list[at] = -at; Sync(m); }));
            steps.Add(new($"removeAt {at + 1}", (p, o) => Vec(p, o).RemoveAt(at + 1), m => { list.RemoveAt(at + 1); Sync(m); }));
        }
        for (int i = 0; i < 6; i++)
        {
            string piece = new string('x', i * 9) + i;
            steps.Add(new($"append {i}", (p, o) => Str(p, o).Append(piece), m => { text += piece; Sync(m); }));
        }
        steps.Add(new("assign", (p, o) => Str(p, o).Assign("short"), m => { text = "short"; Sync(m); }));
        Run("vector",
            tx =>
            {
                // One object holding both OIDs.
                PmemOid pair = tx.ZAllocate(32, 77);
                tx.Pool.Ref<PmemOid>(pair) = PersistentVector<long>.Create(tx).Oid;
                tx.Pool.Ref<PmemOid>(pair, 16) = PersistentString.Create(tx).Oid;
                return pair;
            },
            steps,
            (p, o) =>
            {
                var m = new SortedDictionary<string, string>(StringComparer.Ordinal);
                PersistentVector<long> v = Vec(p, o);
                for (int i = 0; i < v.Count; i++)
                    m["v" + i.ToString("D4")] = v[i].ToString();
                m["s"] = Str(p, o).ToString();
                return Render(m);
            },
            initial: m => m["s"] = "");
    }

    private static PersistentVector<long> Vec(ObjPool p, PmemOid pair) => PersistentVector<long>.Open(p, p.Ref<PmemOid>(pair));

    private static PersistentString Str(ObjPool p, PmemOid pair) => PersistentString.Open(p, p.Ref<PmemOid>(pair, 16));
}
