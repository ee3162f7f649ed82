// Many threads transacting at once: disjoint objects without locks, shared accounts under persistent mutexes and a shared record under a persistent rwlock taken inside nested transactions, with aborts (PMDK: tx.c pmemobj_tx_lock, sync.c).
using Pmdk.Obj.Locks;
using Pmdk.Obj.Tx;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;
using Xunit.Abstractions;

namespace Pmdk.Obj.Tests.Tx;

public sealed class TxThreadStressTests(ITestOutputHelper output) : IDisposable
{
    private const string Layout = "txstress";
    private const int Threads = 8;
    private const int Iterations = 1500;
    private const int Accounts = 12;
    private const long Initial = 10_000;
    private const ulong AccountSize = 128; // mutex at 0, balance at 64
    private const ulong AccountType = 10, ThreadType = 11, StatsType = 12, ReceiptType = 13;
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class Tally
    {
        public int Own, Transfers, Aborted, StatsUpdates;
        public long StatsMoved;
    }

    [Fact]
    public void Transfers_under_transaction_locks_keep_the_invariants_across_threads_and_aborts()
    {
        string path = _dir.File("stress.pool");
        var accounts = new PmemOid[Accounts];
        var own = new PmemOid[Threads];
        PmemOid stats = PmemOid.Null;
        using (ObjPool pool = ObjPool.Create(path, Layout, 64 << 20))
        {
            pool.Transaction(tx =>
            {
                for (int i = 0; i < Accounts; i++)
                {
                    accounts[i] = tx.ZAllocate(AccountSize, AccountType);
                    pool.Ref<long>(accounts[i], 64) = Initial;
                }
                for (int t = 0; t < Threads; t++)
                    own[t] = tx.ZAllocate(64, ThreadType);
                stats = tx.ZAllocate(128, StatsType); // rwlock at 0, transfers at 64, moved at 72
            });

            var tallies = new Tally[Threads];
            int sumViolations = 0, readerViolations = 0, readerRounds = 0;
            using var stop = new CancellationTokenSource();
            // A reader that takes every account mutex (outside any transaction) must always see the full total:
            // a transfer holds its two mutexes until its outermost transaction has committed or rolled back.
            var reader = new Thread(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    for (int i = 0; i < Accounts; i++)
                        pool.Mutex(accounts[i]).Lock();
                    long sum = 0;
                    for (int i = 0; i < Accounts; i++)
                        sum += pool.Ref<long>(accounts[i], 64);
                    for (int i = Accounts - 1; i >= 0; i--)
                        pool.Mutex(accounts[i]).Unlock();
                    if (sum != Accounts * Initial)
                        Interlocked.Increment(ref sumViolations);
                    PmemRwLock rw = pool.RwLock(stats);
                    rw.ReadLock();
                    long moved = pool.Ref<long>(stats, 72), transfers = pool.Ref<long>(stats, 64);
                    rw.Unlock();
                    if (moved < transfers)
                        Interlocked.Increment(ref readerViolations);
                    readerRounds++;
                    Thread.Sleep(1);
                }
            });
            reader.Start();
            var workers = new Thread[Threads];
            Exception? failure = null;
            for (int t = 0; t < Threads; t++)
            {
                int id = t;
                tallies[id] = new Tally();
                workers[t] = new Thread(() =>
                {
                    try
                    {
                        Work(pool, id, accounts, own[id], stats, tallies[id]);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref failure, e, null);
                    }
                });
                workers[t].Start();
            }
            foreach (Thread w in workers)
                w.Join();
            stop.Cancel();
            reader.Join();
            Assert.Null(failure);
            Assert.Equal(0, sumViolations);
            Assert.Equal(0, readerViolations);

            Verify(pool, accounts, own, stats, tallies);
            output.WriteLine($"{Threads} threads: {tallies.Sum(x => x.Transfers)} transfers, {tallies.Sum(x => x.Aborted)} aborted, {tallies.Sum(x => x.Own)} disjoint, {readerRounds} reader rounds");
        }
        using (ObjPool pool = ObjPool.Open(path, Layout))
        {
            long sum = Enumerable.Range(0, Accounts).Sum(i => pool.Ref<long>(accounts[i], 64));
            Assert.Equal(Accounts * Initial, sum);
        }
        Assert.True(ObjPool.Check(path, Layout, out string? problem), problem);
        Assert.Equal(1, NativeObj.pmemobj_check(path, Layout));
    }

    private static void Work(ObjPool pool, int id, PmemOid[] accounts, PmemOid mine, PmemOid stats, Tally tally)
    {
        var rng = new Random(1000 + id);
        for (int i = 0; i < Iterations; i++)
        {
            // Disjoint: this thread's own object, no lock needed.
            pool.Transaction(tx =>
            {
                tx.AddRange(mine, 0, 8);
                pool.Ref<long>(mine)++;
            });
            tally.Own++;

            int a = rng.Next(Accounts);
            int b = (a + 1 + rng.Next(Accounts - 1)) % Accounts;
            long amount = rng.Next(1, 100);
            bool abort = rng.Next(5) == 0;
            bool updateStats = rng.Next(3) == 0;
            int lo = Math.Min(a, b), hi = Math.Max(a, b);
            try
            {
                using ObjTransaction outer = pool.BeginTransaction();
                outer.Lock(pool.Mutex(accounts[lo])); // in index order: no deadlock
                using (ObjTransaction inner = pool.BeginTransaction())
                {
                    inner.Lock(pool.Mutex(accounts[hi])); // held until the outer transaction ends
                    inner.AddRange(accounts[a], 64, 8);
                    pool.Ref<long>(accounts[a], 64) -= amount;
                    inner.AddRange(accounts[b], 64, 8);
                    pool.Ref<long>(accounts[b], 64) += amount;
                    PmemOid receipt = inner.ZAllocate(32, ReceiptType);
                    pool.Ref<long>(receipt) = id;
                    pool.Ref<long>(receipt, 8) = tally.Transfers;
                    if (updateStats)
                    {
                        using ObjTransaction third = pool.BeginTransaction();
                        third.Lock(pool.RwLock(stats));
                        third.AddRange(stats, 64, 16);
                        pool.Ref<long>(stats, 64)++;
                        pool.Ref<long>(stats, 72) += amount;
                        third.Commit();
                    }
                    if (abort)
                        throw new InvalidOperationException("planned abort");
                    inner.Commit();
                }
                outer.AddRange(mine, 8, 8);
                pool.Ref<long>(mine, 8)++;
                outer.Commit();
                tally.Transfers++;
                if (updateStats)
                {
                    tally.StatsUpdates++;
                    tally.StatsMoved += amount;
                }
            }
            catch (InvalidOperationException e) when (abort && e.Message == "planned abort")
            {
                tally.Aborted++;
            }
        }
    }

    private static void Verify(ObjPool pool, PmemOid[] accounts, PmemOid[] own, PmemOid stats, Tally[] tallies)
    {
        long sum = accounts.Sum(acc => pool.Ref<long>(acc, 64));
        Assert.Equal(Accounts * Initial, sum);
        for (int t = 0; t < Threads; t++)
        {
            Assert.Equal(Iterations, pool.Ref<long>(own[t]));
            Assert.Equal(tallies[t].Transfers, pool.Ref<long>(own[t], 8));
            Assert.Equal(Iterations, tallies[t].Transfers + tallies[t].Aborted);
        }
        Assert.Equal(tallies.Sum(x => x.StatsUpdates), pool.Ref<long>(stats, 64));
        Assert.Equal(tallies.Sum(x => x.StatsMoved), pool.Ref<long>(stats, 72));
        // Aborted transfers left no receipt; committed ones left exactly one each.
        var receipts = pool.Objects(ReceiptType).Select(o => (pool.Ref<long>(o), pool.Ref<long>(o, 8))).ToList();
        Assert.Equal(tallies.Sum(x => x.Transfers), receipts.Count);
        Assert.Equal(receipts.Count, receipts.Distinct().Count());
        for (int t = 0; t < Threads; t++)
            Assert.Equal(Enumerable.Range(0, tallies[t].Transfers).Select(n => (long)n), receipts.Where(r => r.Item1 == t).Select(r => r.Item2).Order());
        Assert.True(tallies.Sum(x => x.Aborted) > 0);
        // Every lock is free again.
        foreach (PmemOid acc in accounts)
        {
            Assert.True(pool.Mutex(acc).TryLock());
            pool.Mutex(acc).Unlock();
        }
        Assert.True(pool.RwLock(stats).TryWriteLock());
        pool.RwLock(stats).Unlock();
    }
}
