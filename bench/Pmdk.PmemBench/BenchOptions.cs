// Command line of the harness: workload filters, --reps, --ops-scale, --lat, --list, directories.
using System.Globalization;
using System.Text.RegularExpressions;

namespace Pmdk.PmemBench;

/// <summary>Parsed command line.</summary>
internal sealed class BenchOptions
{
    /// <summary>Default multiplier of the perf-notes op counts (a full run of every workload takes about 8½ minutes here).</summary>
    public const double DefaultOpsScale = 0.4;

    public List<string> Filters { get; } = [];

    /// <summary>
    /// Reps per side. Even by default: which side prepares its file first alternates between reps, and on this machine
    /// the file filled second reads measurably faster (README, "Prepare order"), so only an even count balances it.
    /// </summary>
    public int Reps { get; private set; } = 4;

    public double OpsScale { get; private set; } = DefaultOpsScale;

    public bool Latency { get; private set; }

    public bool List { get; private set; }

    public bool WarmUp { get; private set; } = true;

    public bool Help { get; private set; }

    public string ShmDirectory { get; private set; } = "/dev/shm";

    public string DiskDirectory { get; private set; } = "/var/tmp";

    public const string Usage = """
        usage: Pmdk.PmemBench [filter...] [--reps N] [--ops-scale F] [--lat] [--list] [--no-warmup]
                              [--shm-dir DIR] [--disk-dir DIR]
          filter       substring or glob (* ?) of a workload name; several filters are OR-ed; none runs all
          --reps N     runs per side, alternating which side prepares first; the figure is the median
                       (default 4; an odd N leaves the prepare order unbalanced)
          --ops-scale  multiplier of the perf-notes op counts (default 0.4)
          --lat        also run pass 2 (per-op timestamps) and print latency percentiles as # lines
          --list       print the workload names and exit
          --no-warmup  skip the untimed JIT warm-up of every selected workload
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            switch (a)
            {
                case "--reps": o.Reps = int.Parse(Value(args, ref i), CultureInfo.InvariantCulture); break;
                case "--ops-scale": o.OpsScale = double.Parse(Value(args, ref i), CultureInfo.InvariantCulture); break;
                case "--lat": o.Latency = true; break;
                case "--list": o.List = true; break;
                case "--no-warmup": o.WarmUp = false; break;
                case "--shm-dir": o.ShmDirectory = Value(args, ref i); break;
                case "--disk-dir": o.DiskDirectory = Value(args, ref i); break;
                case "-h" or "--help": o.Help = true; break;
                default:
                    if (a.StartsWith("--", StringComparison.Ordinal))
                        throw new ArgumentException($"unknown option {a}");
                    o.Filters.Add(a);
                    break;
            }
        }
        if (o.Reps < 1)
            throw new ArgumentException("--reps must be at least 1");
        if (!(o.OpsScale > 0))
            throw new ArgumentException("--ops-scale must be positive");
        return o;
    }

    /// <summary>Whether a workload name passes the filters.</summary>
    /// <remarks>A filter that is exactly a workload name selects that workload alone (so <c>memcpy_persist_64</c>
    /// does not also select <c>memcpy_persist_64k</c>); otherwise it is a substring, or a glob with * and ?.</remarks>
    public bool Selects(string name, IEnumerable<string> allNames) =>
        Filters.Count == 0 || Filters.Exists(f => allNames.Contains(f, StringComparer.OrdinalIgnoreCase)
            ? string.Equals(f, name, StringComparison.OrdinalIgnoreCase)
            : Matches(f, name));

    private static bool Matches(string filter, string name)
    {
        if (filter.Contains('*', StringComparison.Ordinal) || filter.Contains('?', StringComparison.Ordinal))
        {
            string pattern = "^" + Regex.Escape(filter).Replace("\\*", ".*", StringComparison.Ordinal)
                .Replace("\\?", ".", StringComparison.Ordinal) + "$";
            return Regex.IsMatch(name, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }
        return name.Contains(filter, StringComparison.OrdinalIgnoreCase);
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length)
            throw new ArgumentException($"{args[i]} needs a value");
        return args[++i];
    }
}
