// Simulated power failure in an obj pool set (two parts and a replica): the set, and the replica alone, recover to the published objects.
using Pmdk.Obj;
using Pmdk.Pmem.Simulation;
using Pmdk.Testing.Crash;

namespace Pmdk.Crash.Tests;

public sealed partial class ObjCrashTests
{
    // SINGLEHDR: the simulator keeps one media image per file and cannot also map a part's own header page.
    private static string SetText(string p0, string p1, string r0) =>
        $"PMEMPOOLSET\nOPTION SINGLEHDR\n12M {p0}\n12M {p1}\nREPLICA\n24M {r0}\n";

    [Fact]
    public void A_pool_set_and_its_replica_alone_recover_at_every_fence()
    {
        (Op[] ops, State[] states) = Workload(16, seed: 77);
        string p0 = _dir.File("p0"), p1 = _dir.File("p1"), r0 = _dir.File("r0"), set = _dir.File("pool.set");
        File.WriteAllText(set, SetText(p0, p1, r0));
        using (ObjPool.Create(set, Layout, 0, new ObjPoolOptions { IsPmemForce = true }))
        {
        }

        CrashReport report = CrashHarness.Run(p0, sim =>
        {
            using var pool = ObjPool.Open(set, Layout, new ObjPoolOptions { IsPmemForce = true, PersistenceProvider = sim });
            for (int i = 0; i < ops.Length; i++)
            {
                using (sim.Operation(ops[i].Name(i)))
                    Execute(pool, ops[i], i);
            }
        }, (image, imagePath) => CheckSet(states, image, imagePath), new CrashOptions
        {
            // Three files per image and two checks each: a reproducible sample of the fences keeps this under ~20 s.
            Plan = new CrashPlan { MaxImagesPerCrashPoint = 4, FenceSampleCount = 60, Seed = 9 },
            Engines = [ReorderEngine.Accumulative, ReorderEngine.PartialRandom(2, seed: 5)],
        });
        output.WriteLine(report.ToString());
        Assert.Equal(0, report.FailureCount);
    }

    /// <summary>The set as crashed must recover; then, from the same crash image, the replica alone (the master's headers lost) after sync.</summary>
    private static void CheckSet(State[] states, CrashImage image, string imagePath)
    {
        string dir = Path.GetDirectoryName(imagePath)!;
        // The harness writes the other simulated files (p1, r0, in mapping order) as "<i>-<name>" next to the image.
        string p1 = Path.Combine(dir, "0-p1"), r0 = Path.Combine(dir, "1-r0"), set = Path.Combine(dir, "image.set");
        File.WriteAllText(set, SetText(imagePath, p1, r0));
        int completed = image.CompletedOperations.Count;
        State before = states[completed];
        State? after = image.InProgressOperation is null ? null : states[completed + 1];

        void Expect(string what)
        {
            using var pool = ObjPool.Open(set, Layout, new ObjPoolOptions { IsPmemForce = true });
            string? whyBefore = Mismatch(pool, before);
            string? whyAfter = after is null ? "no operation in progress" : Mismatch(pool, after);
            if (whyBefore is not null && whyAfter is not null)
                throw new InvalidDataException($"{what}: after {completed} operations neither before ({whyBefore}) nor after ({whyAfter})");
        }

        Expect("the set");
        if (!ObjPool.Check(set, Layout, out string? problem))
            throw new InvalidDataException($"ObjPool.Check rejects the recovered set: {problem}");

        IReadOnlyList<string> devices = image.Devices;
        image.WriteTo(devices[0], imagePath);
        image.WriteTo(devices[1], p1);
        image.WriteTo(devices[2], r0);
        using (var fs = new FileStream(imagePath, FileMode.Open, FileAccess.Write))
            fs.Write(new byte[4096]);
        IReadOnlyList<int> rebuilt = ObjPool.SyncReplicas(set);
        if (rebuilt.Count != 1 || rebuilt[0] != 0)
            throw new InvalidDataException($"sync rebuilt [{string.Join(',', rebuilt)}], expected [0]");
        Expect("the replica alone");
    }
}
