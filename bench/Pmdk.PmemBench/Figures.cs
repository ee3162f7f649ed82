// Formatting and statistics of the harness output lines.
using System.Globalization;

namespace Pmdk.PmemBench;

/// <summary>Median and unit formatting of ops/s figures.</summary>
internal static class Figures
{
    public static double Median(IReadOnlyList<double> values)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>7.12M, 5.86k, 3.21.</summary>
    public static string Rate(double perSecond) => perSecond switch
    {
        >= 1e9 => Invariant($"{perSecond / 1e9:0.00}G"),
        >= 1e6 => Invariant($"{perSecond / 1e6:0.00}M"),
        >= 1e3 => Invariant($"{perSecond / 1e3:0.00}k"),
        _ => Invariant($"{perSecond:0.00}"),
    };

    /// <summary>Bytes per second as GB/s (10^9).</summary>
    public static string GigabytesPerSecond(double bytesPerSecond) => Invariant($"{bytesPerSecond / 1e9:0.00}GB/s");

    public static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
