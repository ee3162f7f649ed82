// Engines, crash-point selection and operation markers of the crash enumeration (PMDK: pmreorder engines and markers).
using Pmdk.Pmem.Simulation;
using Pmdk.Testing;

namespace Pmdk.Pmem.Tests.Simulation;

public sealed class CrashPlanTests : IDisposable
{
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Three lines a, b, c (lines 1, 3, 5, bytes 1, 2, 3) flushed in that order, then one fence.</summary>
    private PowerFailSimulator ThreeLinesThenFence()
    {
        var sim = new PowerFailSimulator();
        using PmemMapping map = SimulatedPersistenceTests.Map(_dir.File("p"), sim);
        for (int i = 0; i < 3; i++)
        {
            map.GetSpan((ulong)(64 + i * 128), 1)[0] = (byte)(i + 1);
            map.Flush((ulong)(64 + i * 128), 1);
        }
        map.Drain();
        return sim;
    }

    private static List<string> SubsetsAtFence1(PowerFailSimulator sim, ReorderEngine engine)
    {
        var subsets = new List<string>();
        foreach (CrashImage image in sim.CrashImages(new CrashPlan { Engine = engine, IncludeEndOfTrace = false }))
        {
            Assert.Equal(1, image.FenceIndex);
            Assert.Equal(3, image.InFlightCount);
            byte[] bytes = image.ToArray();
            for (int i = 0; i < 3; i++)
                Assert.Equal(image.IncludedInFlight.Contains(i) ? i + 1 : 0, bytes[64 + i * 128]);
            subsets.Add(string.Concat(image.IncludedInFlight.Select(i => (char)('a' + i))));
        }
        return subsets;
    }

    [Fact]
    public void NoReorder_YieldsNothingThenEverything() =>
        Assert.Equal(["", "abc"], SubsetsAtFence1(ThreeLinesThenFence(), ReorderEngine.NoReorder));

    [Fact]
    public void Accumulative_YieldsGrowingPrefixes() =>
        Assert.Equal(["", "a", "ab", "abc"], SubsetsAtFence1(ThreeLinesThenFence(), ReorderEngine.Accumulative));

    [Fact]
    public void ReverseAccumulative_YieldsGrowingSuffixes() =>
        Assert.Equal(["", "c", "bc", "abc"], SubsetsAtFence1(ThreeLinesThenFence(), ReorderEngine.ReverseAccumulative));

    [Fact]
    public void Full_YieldsEverySubset() =>
        Assert.Equal(["", "a", "ab", "abc", "ac", "b", "bc", "c"],
            SubsetsAtFence1(ThreeLinesThenFence(), ReorderEngine.Full).Order(StringComparer.Ordinal));

    [Fact]
    public void PartialRandom_YieldsDistinctReproducibleSubsets()
    {
        PowerFailSimulator sim = ThreeLinesThenFence();
        List<string> first = SubsetsAtFence1(sim, ReorderEngine.PartialRandom(3, seed: 7));
        Assert.Equal(3, first.Count);
        Assert.Equal(3, first.Distinct().Count());
        Assert.Equal(first, SubsetsAtFence1(sim, ReorderEngine.PartialRandom(3, seed: 7)));
        Assert.Equal(8, SubsetsAtFence1(sim, ReorderEngine.PartialRandom(100)).Distinct().Count());
    }

    [Fact]
    public void FullBeyondItsBound_SamplesTheEndsAndRandomSubsets()
    {
        var sim = new PowerFailSimulator();
        using (PmemMapping map = SimulatedPersistenceTests.Map(_dir.File("p"), sim, 8192))
        {
            map.Flush(0, 12 * 64);          // 12 lines in flight: 4,096 subsets
            map.Drain();
        }

        var images = sim.CrashImages(new CrashPlan { Engine = ReorderEngine.FullUpTo(50), IncludeEndOfTrace = false })
            .Select(i => string.Join(',', i.IncludedInFlight)).ToList();
        Assert.Equal(50, images.Count);
        Assert.Equal(50, images.Distinct().Count());
        Assert.Equal("", images[0]);
        Assert.Equal(string.Join(',', Enumerable.Range(0, 12)), images[1]);
    }

    [Fact]
    public void MaxImagesPerCrashPoint_ThinsPrefixesEvenly()
    {
        var sim = new PowerFailSimulator();
        using (PmemMapping map = SimulatedPersistenceTests.Map(_dir.File("p"), sim, 8192))
            map.Persist(0, 100 * 64);

        var lengths = sim.CrashImages(new CrashPlan { MaxImagesPerCrashPoint = 5, IncludeEndOfTrace = false })
            .Select(i => i.IncludedInFlight.Count).ToList();
        Assert.Equal([0, 25, 50, 75, 100], lengths);
    }

    [Fact]
    public void FenceStrideAndSample_SelectCrashPoints()
    {
        var sim = new PowerFailSimulator();
        using (PmemMapping map = SimulatedPersistenceTests.Map(_dir.File("p"), sim))
        {
            for (int i = 0; i < 10; i++)
                map.Persist((ulong)i * 64, 1);
        }

        Assert.Equal(10, sim.FenceCount);
        var strided = sim.CrashImages(new CrashPlan { Engine = ReorderEngine.NoReorder, FenceStride = 3 })
            .Select(i => i.FenceIndex).Distinct().ToList();
        Assert.Equal([1, 4, 7, 10, 11], strided);

        var plan = new CrashPlan { Engine = ReorderEngine.NoReorder, FenceSampleCount = 4, Seed = 3, IncludeEndOfTrace = false };
        var sampled = sim.CrashImages(plan).Select(i => i.FenceIndex).Distinct().ToList();
        Assert.Equal(4, sampled.Count);
        Assert.Equal(sampled, sim.CrashImages(plan).Select(i => i.FenceIndex).Distinct().ToList());
    }

    [Fact]
    public void Markers_TellCompletedAndInProgressOperations()
    {
        var sim = new PowerFailSimulator();
        using (PmemMapping map = SimulatedPersistenceTests.Map(_dir.File("p"), sim))
        {
            using (sim.Operation("append#0"))
                map.Persist(0, 8);                      // fence 1
            sim.Mark("between");
            using (sim.Operation("append#1"))
            {
                map.Persist(64, 8);                     // fence 2
                map.Persist(128, 8);                    // fence 3
            }
        }

        var points = sim.CrashImages(new CrashPlan { Engine = ReorderEngine.NoReorder })
            .DistinctBy(i => i.FenceIndex).ToDictionary(i => i.FenceIndex, i => (
                Completed: string.Join(' ', i.CompletedOperations), i.InProgressOperation, Markers: i.Markers.Count,
                Done1: i.IsCompleted("append#1")));
        Assert.Equal(("", "append#0", 1, false), points[1]);
        Assert.Equal(("append#0", "append#1", 4, false), points[2]);
        Assert.Equal(("append#0", "append#1", 4, false), points[3]);
        Assert.Equal(("append#0 append#1", null, 5, true), points[4]);
        Assert.Equal(["append#0.BEGIN", "append#0.END", "between", "append#1.BEGIN", "append#1.END"], sim.Markers);
    }

    [Fact]
    public void EngineByOperation_AppliesInsideMatchingOperations()
    {
        var sim = new PowerFailSimulator();
        using (PmemMapping map = SimulatedPersistenceTests.Map(_dir.File("p"), sim))
        {
            map.Flush(0, 3 * 64);
            map.Drain();                                // fence 1: outside, NoReorder → 2 images
            using (sim.Operation("append#7"))
            {
                map.Flush(0, 3 * 64);
                map.Drain();                            // fence 2: inside append#7, Full → 8 images
            }
        }

        var plan = new CrashPlan
        {
            Engine = ReorderEngine.NoReorder,
            EngineByOperation = new Dictionary<string, ReorderEngine> { ["append"] = ReorderEngine.Full },
            IncludeEndOfTrace = false,
        };
        var counts = sim.CrashImages(plan).GroupBy(i => i.FenceIndex).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(2, counts[1]);
        Assert.Equal(8, counts[2]);
    }
}
