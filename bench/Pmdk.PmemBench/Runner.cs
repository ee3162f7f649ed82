// Runs each selected workload rep by rep, ours and C alternating in this process, and prints one line each.
using Pmdk.PmemBench.Workloads;

namespace Pmdk.PmemBench;

/// <summary>
/// For every rep, both sides run on a fresh file; the side that goes first alternates between reps so neither
/// always inherits a warmer or colder machine. The printed figure of a side is the median over reps.
/// </summary>
internal sealed class Runner(BenchOptions options, RunContext context, TextWriter output)
{
    /// <summary>Untimed runs of every workload on small files so that the timed loops run tier-1 code.</summary>
    public void WarmUp(IEnumerable<Workload> workloads)
    {
        RunContext small = context.AsWarmUp();
        foreach (Workload w in workloads)
        {
            for (int i = 0; i < 2; i++)
            {
                w.Run(Side.Ours, small);
                w.Run(Side.C, small);
            }
        }
        Thread.Sleep(500); // let the background tier-1 compilations finish
    }

    public Result Run(Workload workload)
    {
        var ours = new List<Measurement>();
        var c = new List<Measurement>();
        for (int rep = 0; rep < options.Reps; rep++)
        {
            Side first = rep % 2 == 0 ? Side.Ours : Side.C;
            Side second = first == Side.Ours ? Side.C : Side.Ours;
            Measurement a = workload.Run(first, context);
            Measurement b = workload.Run(second, context);
            Measurement o = first == Side.Ours ? a : b;
            Measurement n = first == Side.Ours ? b : a;
            ours.Add(o);
            c.Add(n);
            output.WriteLine(Figures.Invariant(
                $"# {workload.Name} rep{rep + 1} ({(first == Side.Ours ? "ours first" : "c first")}) ours={Figures.Rate(o.OpsPerSecond)} c={Figures.Rate(n.OpsPerSecond)}{Extra(o, n)}"));
            output.Flush();
        }
        double oursMedian = Figures.Median(ours.ConvertAll(m => m.OpsPerSecond));
        double cMedian = Figures.Median(c.ConvertAll(m => m.OpsPerSecond));
        var result = new Result(workload.Name, oursMedian, cMedian);
        output.WriteLine(Figures.Invariant(
            $"{workload.Name} ours={Figures.Rate(oursMedian)} c={Figures.Rate(cMedian)} ratio={result.Ratio:0.00}"));
        output.Flush();
        return result;
    }

    private static string Extra(Measurement ours, Measurement c)
    {
        string s = "";
        if (ours.BytesPerSecond is double ob && c.BytesPerSecond is double cb)
            s += $" ({Figures.GigabytesPerSecond(ob)} vs {Figures.GigabytesPerSecond(cb)})";
        if (ours.Note is not null)
            s += $" ours[{ours.Note}] c[{c.Note}]";
        if (ours.Latency is not null)
            s += $"\n#   ours {ours.Latency}\n#   c    {c.Latency}";
        return s;
    }
}

/// <summary>The medians of one workload.</summary>
internal sealed record Result(string Name, double Ours, double C)
{
    public double Ratio => Ours / C;
}
