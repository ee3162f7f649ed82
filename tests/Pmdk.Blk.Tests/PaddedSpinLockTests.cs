// The lane/map lock of pmemblk: mutual exclusion under contention, one lock word per cache line.
using System.Runtime.CompilerServices;

namespace Pmdk.Blk.Tests;

public sealed class PaddedSpinLockTests
{
    [Fact]
    public void Occupies_a_whole_cache_line()
    {
        Assert.Equal(64, Unsafe.SizeOf<PaddedSpinLock>());
    }

    [Fact]
    public async Task Excludes_other_threads_while_held()
    {
        // More threads than cores, two locks: a lost update shows as a short count, a lost wake-up as a hang (timeout).
        const int Threads = 6;
        const int Rounds = 200_000;
        var locks = new PaddedSpinLock[2];
        long[] counters = new long[2];
        var workers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            for (int i = 0; i < Rounds; i++)
            {
                int k = (i + t) & 1;
                locks[k].Enter();
                try
                {
                    long seen = counters[k]; // a non-atomic read-modify-write: only exclusion keeps it exact
                    if ((i & 63) == 0)
                        Thread.Yield();
                    counters[k] = seen + 1;
                }
                finally
                {
                    locks[k].Exit();
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(2)); // a lock never released shows as a TimeoutException
        Assert.Equal((long)Threads * Rounds, counters[0] + counters[1]);
        Assert.Equal((long)Threads * Rounds / 2, counters[0]);
    }
}
