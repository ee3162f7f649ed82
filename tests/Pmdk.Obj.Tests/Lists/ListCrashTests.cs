// Atomic list operations under simulated power failure: every crash image holds the lists before or after the interrupted operation (PMDK: libpmemobj/list.c via the redo log).
using Pmdk.Pmem.Simulation;
using Pmdk.Testing;
using Pmdk.Testing.Crash;
using Pmdk.Testing.Oracle;
using Xunit.Abstractions;

namespace Pmdk.Obj.Tests.Lists;

public sealed class ListCrashTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_crash_image_holds_whole_list_operations()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("sim.pool");
        using (ObjPool p = ObjPool.Create(path, "lists", 16 << 20))
        {
            var warm = new ListTests.OurDriver(p, p.Root(256));
            warm.RandomSteps(new Random(11), 30);
        }
        List<ulong>[] start;
        using (ObjPool p = ObjPool.Open(path, "lists"))
        {
            var d = new ListTests.OurDriver(p, p.RootOrNull);
            start = [[.. d.A.Select(o => o.Offset)], [.. d.B.Select(o => o.Offset)]];
        }
        var snapshots = new List<(List<ulong> A, List<ulong> B)> { (start[0], start[1]) };
        int cChecked = 0;
        CrashReport report = CrashHarness.Run(path, sim =>
        {
            using ObjPool pool = ObjPool.Open(path, "lists", new ObjPoolOptions { PersistenceProvider = sim, IsPmemForce = true });
            var drv = new ListTests.OurDriver(pool, pool.RootOrNull);
            drv.Model[0].AddRange(start[0]);
            drv.Model[1].AddRange(start[1]);
            var rng = new Random(12);
            for (int k = 1; k <= 25; k++)
            {
                using (sim.Operation($"list op #{k}"))
                    drv.RandomSteps(rng, 1);
                snapshots.Add(([.. drv.Model[0]], [.. drv.Model[1]]));
            }
        }, (image, imagePath) =>
        {
            int done = image.CompletedOperations.Count;
            int hi = done + (image.InProgressOperation is null ? 0 : 1);
            if (image.FenceIndex % 7 == 0)
            {
                string cCopy = imagePath + ".c";
                File.Copy(imagePath, cCopy, overwrite: true);
                if (NativeObj.pmemobj_check(cCopy, "lists") != 1)
                    throw new InvalidDataException("pmemobj_check rejects the crash image");
                cChecked++;
            }
            using ObjPool pool = ObjPool.Open(imagePath, "lists");
            var d = new ListTests.OurDriver(pool, pool.RootOrNull);
            List<ulong> a = [.. d.A.Select(o => o.Offset)], b = [.. d.B.Select(o => o.Offset)];
            bool match = false;
            for (int k = done; k <= hi && !match; k++)
                match = a.SequenceEqual(snapshots[k].A) && b.SequenceEqual(snapshots[k].B);
            if (!match)
                throw new InvalidDataException($"lists match neither state {done} nor {hi}");
            d.Model[0].AddRange(a);
            d.Model[1].AddRange(b);
            d.Verify();
            var live = pool.Objects(ListDriver.ElementType).Select(o => o.Offset).ToHashSet();
            if (!a.Concat(b).All(live.Contains))
                throw new InvalidDataException("a list element is not allocated");
        }, new CrashOptions { Plan = new CrashPlan { Engine = ReorderEngine.NoReorder } });
        output.WriteLine($"{report}; C checked {cChecked} images");
        Assert.Equal(0, report.FailureCount);
        Assert.True(report.ImagesChecked > 25, report.ToString());
    }
}
