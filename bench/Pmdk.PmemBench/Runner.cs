// Runs each selected workload rep by rep, ours and C interleaved in this process, and prints one line each.
using System.Diagnostics;
using Pmdk.PmemBench.Workloads;

namespace Pmdk.PmemBench;

/// <summary>
/// Every rep prepares a fresh file for each side, then splits the op sequence into chunks and runs them
/// interleaved, ours/C then C/ours (ABBA), summing each side's loop time. Both sides therefore see the same
/// background load of this shared 2-core machine, which is what makes the ratio meaningful. The printed figure
/// of a side is the median over reps of ops / (its summed time).
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
                RunRep(w, small, i, latency: false);
        }
        Thread.Sleep(500); // let the background tier-1 compilations finish
    }

    public IReadOnlyList<Result> Run(Workload workload)
    {
        long started = Stopwatch.GetTimestamp();
        IReadOnlyList<string> names = workload.FigureNames;
        var ours = names.Select(_ => new List<double>()).ToArray();
        var c = names.Select(_ => new List<double>()).ToArray();
        for (int rep = 0; rep < options.Reps; rep++)
        {
            RepResult r = RunRep(workload, context, rep, options.Latency);
            for (int f = 0; f < names.Count; f++)
            {
                ours[f].Add(r.Ours[f]);
                c[f].Add(r.C[f]);
                string bytes = workload.BytesPerOp == 0 ? ""
                    : $" ({Figures.GigabytesPerSecond(r.Ours[f] * workload.BytesPerOp)} vs {Figures.GigabytesPerSecond(r.C[f] * workload.BytesPerOp)})";
                string notes = r.OursNote is null || f != names.Count - 1 ? "" : $" ours[{r.OursNote}] c[{r.CNote}]";
                output.WriteLine(Figures.Invariant(
                    $"# {names[f]} rep{rep + 1} ours={Figures.Rate(r.Ours[f])} c={Figures.Rate(r.C[f])} ratio={r.Ours[f] / r.C[f]:0.00}{bytes}{notes}"));
            }
            if (r.OursLatency is not null)
            {
                output.WriteLine($"#   ours {r.OursLatency}");
                output.WriteLine($"#   c    {r.CLatency}");
            }
            output.Flush();
        }
        var results = new List<Result>();
        for (int f = 0; f < names.Count; f++)
        {
            var result = new Result(names[f], Figures.Median(ours[f]), Figures.Median(c[f]));
            if (options.Reps > 1)
            {
                double[] ratios = [.. ours[f].Select((o, i) => o / c[f][i])];
                output.WriteLine(Figures.Invariant(
                    $"# {names[f]} per-rep ratios: median {Figures.Median(ratios):0.00}, min {ratios.Min():0.00}, max {ratios.Max():0.00}"));
            }
            output.WriteLine(Figures.Invariant(
                $"{names[f]} ours={Figures.Rate(result.Ours)} c={Figures.Rate(result.C)} ratio={result.Ratio:0.00}"));
            results.Add(result);
        }
        output.WriteLine(Figures.Invariant($"# {workload.Name} took {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0}s"));
        output.Flush();
        return results;
    }

    private static RepResult RunRep(Workload workload, RunContext ctx, int rep, bool latency)
    {
        IReadOnlyList<Step> steps = workload.Steps(ctx);
        int figures = workload.FigureNames.Count;
        // Which side prepares first alternates between reps (page cache and tmpfs state).
        Side firstPrepared = rep % 2 == 0 ? Side.Ours : Side.C;
        using ISideRun a = workload.Prepare(firstPrepared, ctx);
        using ISideRun b = workload.Prepare(firstPrepared == Side.Ours ? Side.C : Side.Ours, ctx);
        ISideRun ours = firstPrepared == Side.Ours ? a : b;
        ISideRun c = firstPrepared == Side.Ours ? b : a;
        long[] oursTicks = new long[figures], cTicks = new long[figures], counted = new long[figures];
        int k = 0; // chunk counter across steps, so that ABBA keeps alternating
        foreach (Step step in steps)
        {
            int chunks = (int)Math.Max(1, Math.Min(step.Chunks, step.Ops));
            long done = 0;
            for (int j = 0; j < chunks; j++, k++)
            {
                long count = (step.Ops - done) / (chunks - j);
                if (k % 2 == 0)
                {
                    oursTicks[step.Figure] += ours.RunChunk(step.Id, done, count);
                    cTicks[step.Figure] += c.RunChunk(step.Id, done, count);
                }
                else
                {
                    cTicks[step.Figure] += c.RunChunk(step.Id, done, count);
                    oursTicks[step.Figure] += ours.RunChunk(step.Id, done, count);
                }
                done += count;
            }
            counted[step.Figure] += step.CountedOps;
        }
        LatencySummary? oursLat = null, cLat = null;
        if (latency)
        {
            long n = Math.Min(steps[0].Ops, 1_000_000);
            oursLat = ours.MeasureLatency(n);
            cLat = c.MeasureLatency(n);
        }
        double f = Stopwatch.Frequency;
        double[] oursRates = [.. counted.Select((n, i) => n * f / oursTicks[i])];
        double[] cRates = [.. counted.Select((n, i) => n * f / cTicks[i])];
        return new RepResult(oursRates, cRates, oursLat, cLat, ours.Note, c.Note);
    }

    private sealed record RepResult(double[] Ours, double[] C, LatencySummary? OursLatency, LatencySummary? CLatency,
        string? OursNote, string? CNote);
}

/// <summary>The medians of one workload.</summary>
internal sealed record Result(string Name, double Ours, double C)
{
    public double Ratio => Ours / C;
}
