// Multi-threaded chunks: T threads start on a barrier; the time is the latest end minus the earliest start (perf-notes §3.0 "Threads").
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Pmdk.PmemBench.Workloads;

/// <summary>Runs a chunk body on 1 (the calling thread) or more threads.</summary>
internal static class ThreadTeam
{
    /// <summary>
    /// Runs <paramref name="body"/>(t) for t in [0, <paramref name="threads"/>) and returns the Stopwatch ticks from the
    /// earliest start to the latest end. With more than one thread, the threads are created before timing and wait
    /// on a barrier, so their creation is not timed.
    /// </summary>
    public static long Run(int threads, Action<int> body)
    {
        if (threads == 1)
        {
            long t0 = Stopwatch.GetTimestamp();
            body(0);
            return Stopwatch.GetTimestamp() - t0;
        }
        long[] starts = new long[threads], ends = new long[threads];
        ExceptionDispatchInfo? error = null;
        using var barrier = new Barrier(threads);
        var team = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            team[t] = new Thread(() =>
            {
                barrier.SignalAndWait();
                starts[id] = Stopwatch.GetTimestamp();
                try
                {
                    body(id);
                }
                catch (Exception e)
                {
                    error = ExceptionDispatchInfo.Capture(e);
                }
                ends[id] = Stopwatch.GetTimestamp();
            }, maxStackSize: 1 << 20);
            team[t].Start();
        }
        foreach (Thread th in team)
            th.Join();
        error?.Throw();
        return ends.Max() - starts.Min();
    }
}
