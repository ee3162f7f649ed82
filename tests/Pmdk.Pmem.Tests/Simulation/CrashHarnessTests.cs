// The crash harness over a crash-consistent workload, and proof that it catches a planted missing flush (PMDK: pmreorder tests).
using Pmdk.Pmem.Simulation;
using Pmdk.Testing;
using Pmdk.Testing.Crash;
using Xunit.Abstractions;

namespace Pmdk.Pmem.Tests.Simulation;

public sealed class CrashHarnessTests(ITestOutputHelper output) : IDisposable
{
    private const int Appends = 100;
    private const int BuggyAppend = 10;
    private static readonly ReorderEngine[] AllEngines =
    [
        ReorderEngine.NoReorder, ReorderEngine.Accumulative, ReorderEngine.ReverseAccumulative,
        ReorderEngine.PartialRandom(3, seed: 1), ReorderEngine.Full,
    ];

    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string NewLog()
    {
        string path = _dir.File("log");
        File.WriteAllBytes(path, new byte[8192]);
        return path;
    }

    public static TheoryData<int> EngineIndexes() => [.. Enumerable.Range(0, AllEngines.Length)];

    [Fact]
    public void ConsistentWorkload_PassesAtEveryFenceWithEveryEngine()
    {
        string path = NewLog();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        CrashReport report = CrashHarness.Run(path, sim => AppendLog.Workload(path, sim, Appends), AppendLog.Check,
            new CrashOptions { Engines = AllEngines });
        output.WriteLine($"{report} in {clock.ElapsedMilliseconds} ms");

        Assert.Equal(2 * Appends, report.FenceCount);
        Assert.Equal(0, report.FailureCount);
        Assert.True(report.ImagesChecked > 2000, report.ToString());
    }

    [Theory]
    [MemberData(nameof(EngineIndexes))]
    public void PlantedMissingFlush_IsCaughtByEveryEngine(int engine)
    {
        string path = NewLog();
        var options = new CrashOptions { Plan = new CrashPlan { Engine = AllEngines[engine] } };

        var ex = Assert.Throws<CrashConsistencyException>(() => CrashHarness.Run(path,
            sim => AppendLog.Workload(path, sim, Appends, plantBugAt: BuggyAppend), AppendLog.Check, options));

        CrashReport report = ex.Report;
        Assert.InRange(report.FailureCount, 1, report.ImagesChecked - 1);
        Assert.Contains($"record {BuggyAppend} is committed", ex.Message, StringComparison.Ordinal);
        Assert.All(report.Failures, f => Assert.IsType<InvalidDataException>(f.Error));
        // The harm shows from the buggy append's commit until a later flush happens to cover the line.
        Assert.All(report.Failures, f => Assert.InRange(f.CompletedOperations, BuggyAppend, BuggyAppend + 1));
        Assert.Contains(report.Failures, f => f.InProgress == $"append#{BuggyAppend}");
    }

    [Fact]
    public void PlantedMissingFlush_ReportLocatesTheFence_WithoutThrowingWhenAsked()
    {
        string path = NewLog();
        var options = new CrashOptions { Plan = new CrashPlan { Engine = ReorderEngine.Full }, ThrowOnFailure = false };
        CrashReport report = CrashHarness.Run(path,
            sim => AppendLog.Workload(path, sim, Appends, plantBugAt: BuggyAppend), AppendLog.Check, options);

        Assert.True(report.FailureCount > 0);
        // Append i issues fences 2i+1 (record) and 2i+2 (commit); append 10's record fence is missing, so its
        // commit is fence 21, at which the crash keeps the committed length without the record.
        Assert.Contains(report.Failures, f => f.FenceIndex == 2 * BuggyAppend + 1);
        Assert.DoesNotContain(report.Failures, f => f.FenceIndex <= 2 * BuggyAppend);
    }

    [Fact]
    public void SampledFences_CheckFewerImages()
    {
        string path = NewLog();
        var options = new CrashOptions { Plan = new CrashPlan { Engine = ReorderEngine.Full, FenceSampleCount = 20, Seed = 5 } };
        CrashReport report = CrashHarness.Run(path, sim => AppendLog.Workload(path, sim, Appends), AppendLog.Check, options);
        Assert.InRange(report.ImagesChecked, 21, 21 * 4);
    }
}
