// Pass-2 latency percentiles from per-op timestamps (perf-notes §3.0 "Timing", "Percentiles").
using System.Diagnostics;

namespace Pmdk.PmemBench.Workloads;

/// <summary>Latency percentiles in nanoseconds.</summary>
internal sealed record LatencySummary(double AverageNs, double P50Ns, double P99Ns, double P999Ns, double MaxNs)
{
    /// <summary>From <paramref name="count"/> timestamps taken after each op, the first op starting at <paramref name="start"/>.</summary>
    public static LatencySummary FromStamps(long start, long[] stamps, int count)
    {
        var lat = new double[count];
        double toNs = 1e9 / Stopwatch.Frequency;
        long previous = start;
        for (int i = 0; i < count; i++)
        {
            lat[i] = (stamps[i] - previous) * toNs;
            previous = stamps[i];
        }
        double average = (stamps[count - 1] - start) * toNs / count;
        Array.Sort(lat);
        double At(double q) => lat[(int)Math.Floor(q * (count - 1))];
        return new LatencySummary(average, At(0.50), At(0.99), At(0.999), lat[count - 1]);
    }

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"lat_avg_ns={AverageNs:0} p50_ns={P50Ns:0} p99_ns={P99Ns:0} p999_ns={P999Ns:0} max_ns={MaxNs:0}");
}
