// Options of the crash-consistency harness (PMDK: tools/pmreorder/pmreorder.py command line).
using Pmdk.Pmem.Simulation;

namespace Pmdk.Testing.Crash;

/// <summary>How <see cref="CrashHarness"/> crashes a workload and reports.</summary>
public sealed class CrashOptions
{
    /// <summary>Crash points and engine (default: every fence, <see cref="ReorderEngine.Accumulative"/>).</summary>
    public CrashPlan Plan { get; init; } = new();

    /// <summary>When set, the plan runs once per engine, over one recorded trace.</summary>
    public IReadOnlyList<ReorderEngine>? Engines { get; init; }

    /// <summary>Where images are written (default: a fresh directory on /dev/shm, removed afterwards).</summary>
    public string? ImageDirectory { get; init; }

    /// <summary>Failures kept in detail in the report (the count covers them all). Default 100.</summary>
    public int MaxFailuresKept { get; init; } = 100;

    /// <summary>Failures listed in the exception message. Default 5.</summary>
    public int MaxFailuresShown { get; init; } = 5;

    /// <summary>Throw a <see cref="CrashConsistencyException"/> when an image fails (default true).</summary>
    public bool ThrowOnFailure { get; init; } = true;
}

/// <summary>One crash image the checker rejected.</summary>
/// <param name="Image">The image's description (<see cref="CrashImage.ToString"/>).</param>
/// <param name="FenceIndex">The fence the power failed at.</param>
/// <param name="Engine">The engine that chose its in-flight lines.</param>
/// <param name="CompletedOperations">How many operations had completed.</param>
/// <param name="LastCompleted">The last completed operation, if any.</param>
/// <param name="InProgress">The operation in progress, if any.</param>
/// <param name="Error">What the checker threw.</param>
public sealed record CrashFailure(string Image, int FenceIndex, string Engine, int CompletedOperations,
    string? LastCompleted, string? InProgress, Exception Error)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Image}; last completed: {LastCompleted ?? "none"} → {Error.GetType().Name}: {Error.Message}";
}

/// <summary>What a harness run checked.</summary>
public sealed class CrashReport
{
    /// <summary>Fences the workload recorded.</summary>
    public int FenceCount { get; init; }

    /// <summary>Crash images written and checked.</summary>
    public int ImagesChecked { get; internal set; }

    /// <summary>Crash images the checker rejected.</summary>
    public int FailureCount { get; internal set; }

    /// <summary>The first rejected images (up to <see cref="CrashOptions.MaxFailuresKept"/>).</summary>
    public List<CrashFailure> Failures { get; } = [];

    /// <inheritdoc />
    public override string ToString() =>
        $"{ImagesChecked} crash images over {FenceCount} fences, {FailureCount} failed";
}

/// <summary>The checker rejected at least one crash image.</summary>
public sealed class CrashConsistencyException : Exception
{
    /// <summary>Creates the exception for a report.</summary>
    public CrashConsistencyException(CrashReport report, int shown)
        : base(Describe(report, shown), report.Failures.Count > 0 ? report.Failures[0].Error : null)
    {
        Report = report;
    }

    /// <summary>The run's report.</summary>
    public CrashReport Report { get; }

    private static string Describe(CrashReport report, int shown) =>
        $"{report.FailureCount} of {report.ImagesChecked} crash images are inconsistent ({report.FenceCount} fences). " +
        "First failures:" + Environment.NewLine +
        string.Join(Environment.NewLine, report.Failures.Take(shown).Select(f => "  - " + f));
}
