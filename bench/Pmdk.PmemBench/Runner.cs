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

    public Result Run(Workload workload)
    {
        var ours = new List<double>();
        var c = new List<double>();
        for (int rep = 0; rep < options.Reps; rep++)
        {
            RepResult r = RunRep(workload, context, rep, options.Latency);
            ours.Add(r.Ours);
            c.Add(r.C);
            string bytes = workload.BytesPerOp == 0 ? ""
                : $" ({Figures.GigabytesPerSecond(r.Ours * workload.BytesPerOp)} vs {Figures.GigabytesPerSecond(r.C * workload.BytesPerOp)})";
            string notes = r.OursNote is null ? "" : $" ours[{r.OursNote}] c[{r.CNote}]";
            output.WriteLine(Figures.Invariant(
                $"# {workload.Name} rep{rep + 1} ours={Figures.Rate(r.Ours)} c={Figures.Rate(r.C)} ratio={r.Ours / r.C:0.00}{bytes}{notes}"));
            if (r.OursLatency is not null)
            {
                output.WriteLine($"#   ours {r.OursLatency}");
                output.WriteLine($"#   c    {r.CLatency}");
            }
            output.Flush();
        }
        var result = new Result(workload.Name, Figures.Median(ours), Figures.Median(c));
        if (options.Reps > 1)
        {
            double[] ratios = [.. ours.Select((o, i) => o / c[i])];
            output.WriteLine(Figures.Invariant(
                $"# {workload.Name} per-rep ratios: median {Figures.Median(ratios):0.00}, min {ratios.Min():0.00}, max {ratios.Max():0.00}"));
        }
        output.WriteLine(Figures.Invariant(
            $"{workload.Name} ours={Figures.Rate(result.Ours)} c={Figures.Rate(result.C)} ratio={result.Ratio:0.00}"));
        output.Flush();
        return result;
    }

    private static RepResult RunRep(Workload workload, RunContext ctx, int rep, bool latency)
    {
        long ops = workload.Ops(ctx);
        int chunks = Math.Max(1, workload.Chunks(ops));
        // Which side prepares first alternates between reps (page cache and tmpfs state).
        Side firstPrepared = rep % 2 == 0 ? Side.Ours : Side.C;
        using ISideRun a = workload.Prepare(firstPrepared, ctx);
        using ISideRun b = workload.Prepare(firstPrepared == Side.Ours ? Side.C : Side.Ours, ctx);
        ISideRun ours = firstPrepared == Side.Ours ? a : b;
        ISideRun c = firstPrepared == Side.Ours ? b : a;
        long oursTicks = 0, cTicks = 0;
        long done = 0;
        for (int k = 0; k < chunks; k++)
        {
            long count = (ops - done) / (chunks - k);
            if (k % 2 == 0)
            {
                oursTicks += ours.RunChunk(done, count);
                cTicks += c.RunChunk(done, count);
            }
            else
            {
                cTicks += c.RunChunk(done, count);
                oursTicks += ours.RunChunk(done, count);
            }
            done += count;
        }
        LatencySummary? oursLat = null, cLat = null;
        if (latency)
        {
            long n = Math.Min(ops, 1_000_000);
            oursLat = ours.MeasureLatency(n);
            cLat = c.MeasureLatency(n);
        }
        double f = Stopwatch.Frequency;
        return new RepResult(ops * f / oursTicks, ops * f / cTicks, oursLat, cLat, ours.Note, c.Note);
    }

    private sealed record RepResult(double Ours, double C, LatencySummary? OursLatency, LatencySummary? CLatency,
        string? OursNote, string? CNote);
}

/// <summary>The medians of one workload.</summary>
internal sealed record Result(string Name, double Ours, double C)
{
    public double Ratio => Ours / C;
}
