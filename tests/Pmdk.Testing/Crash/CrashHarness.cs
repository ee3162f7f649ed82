// Runs a workload under the power-failure simulator and checks every crash image (PMDK: tools/pmreorder/consistencycheckwrap.py).
using Pmdk.Pmem.Simulation;

namespace Pmdk.Testing.Crash;

/// <summary>
/// Crash-consistency testing: record a workload through a <see cref="PowerFailSimulator"/>, then for every crash
/// image write the file, hand its path to a checker that reopens it through the library's recovery and asserts
/// invariants, and report the images it rejected.
/// </summary>
public static class CrashHarness
{
    /// <summary>Runs <paramref name="workload"/> once, then checks its crash images.</summary>
    /// <param name="poolPath">The file the workload maps through the simulator (the checker gets its image).</param>
    /// <param name="workload">Maps <paramref name="poolPath"/> with the simulator as persistence provider and works on it.</param>
    /// <param name="checker">Opens the image at the given path and throws when it is inconsistent.</param>
    /// <param name="options">Plan, engines, reporting.</param>
    /// <exception cref="CrashConsistencyException">An image failed and <see cref="CrashOptions.ThrowOnFailure"/> is set.</exception>
    public static CrashReport Run(string poolPath, Action<PowerFailSimulator> workload, Action<CrashImage, string> checker,
        CrashOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var simulator = new PowerFailSimulator();
        workload(simulator);
        return Check(simulator, poolPath, checker, options);
    }

    /// <summary>Checks the crash images of a trace already recorded by <paramref name="simulator"/>.</summary>
    public static CrashReport Check(PowerFailSimulator simulator, string poolPath, Action<CrashImage, string> checker,
        CrashOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentException.ThrowIfNullOrEmpty(poolPath);
        ArgumentNullException.ThrowIfNull(checker);
        options ??= new CrashOptions();

        string primary = Path.GetFullPath(poolPath);
        IReadOnlyList<string> devices = simulator.Devices;
        if (!devices.Contains(primary))
            throw new InvalidOperationException(
                $"the workload never mapped '{primary}' through the simulator (simulated: {string.Join(", ", devices)}).");

        bool ownDirectory = options.ImageDirectory is null;
        string directory = options.ImageDirectory ?? Path.Combine(
            Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(),
            $"pmdk-crash-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var report = new CrashReport { FenceCount = simulator.FenceCount };
        try
        {
            string imagePath = Path.Combine(directory, Path.GetFileName(primary));
            var others = devices.Where(d => d != primary)
                .Select((d, i) => (Device: d, Image: Path.Combine(directory, $"{i}-{Path.GetFileName(d)}")))
                .ToArray();
            IEnumerable<CrashPlan> plans = options.Engines is { } engines
                ? engines.Select(e => options.Plan with { Engine = e })
                : [options.Plan];
            foreach (CrashPlan plan in plans)
            {
                foreach (CrashImage image in simulator.CrashImages(plan))
                {
                    image.WriteTo(primary, imagePath);
                    foreach ((string device, string path) in others)
                        image.WriteTo(device, path);
                    report.ImagesChecked++;
                    try
                    {
                        checker(image, imagePath);
                    }
#pragma warning disable CA1031 // Every checker exception is a finding to report, not a crash of the harness.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        report.FailureCount++;
                        IReadOnlyList<string> completed = image.CompletedOperations;
                        if (report.Failures.Count < options.MaxFailuresKept)
                            report.Failures.Add(new CrashFailure(image.ToString(), image.FenceIndex, image.Engine,
                                completed.Count, completed.Count > 0 ? completed[^1] : null, image.InProgressOperation, ex));
                    }
                }
            }
        }
        finally
        {
            if (ownDirectory)
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }

        if (report.FailureCount > 0 && options.ThrowOnFailure)
            throw new CrashConsistencyException(report, options.MaxFailuresShown);
        return report;
    }
}
