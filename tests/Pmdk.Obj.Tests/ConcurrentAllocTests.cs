// Many threads allocating, freeing and reallocating at once: arenas, cross-arena frees, no leak, C accepts the pool (PMDK: libpmemobj/heap.c arenas, obj_pmalloc_mt test).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Obj.Tests;

public class ConcurrentAllocTests
{
    private const string Layout = "mt";

    private static readonly ObjPoolOptions Fast = new() { IsPmemForce = true };

    /// <summary>An object's id in its first 8 bytes, its low byte in every other byte.</summary>
    private static void Stamp(Span<byte> s, ulong id)
    {
        s.Fill((byte)id);
        if (s.Length >= 8)
            MemoryMarshal.Write(s, in id);
    }

    /// <summary>Whether the first <paramref name="length"/> bytes are those of an object of <paramref name="stampedLength"/> bytes stamped with <paramref name="id"/>.</summary>
    private static bool HasStamp(ReadOnlySpan<byte> s, ulong id, int length, int stampedLength = -1)
    {
        byte[] expected = new byte[stampedLength < 0 ? length : stampedLength];
        Stamp(expected, id);
        return s[..length].SequenceEqual(expected.AsSpan(0, length));
    }

    private const int MaxLivePerThread = 150;

    private static ulong NextSize(Random rng) => rng.Next(100) switch
    {
        0 => (ulong)rng.Next(300_000, 1_200_000),
        < 5 => (ulong)rng.Next(20_000, 200_000),
        < 15 => (ulong)rng.Next(2_000, 16_000),
        _ => (ulong)rng.Next(1, 1_500),
    };

    /// <summary>The largest single object the pool can hold now (in whole chunks), allocated and freed again.</summary>
    private static ulong LargestObject(ObjPool pool)
    {
        const ulong chunk = 256 * 1024;
        for (ulong chunks = pool.HeapSize / chunk; chunks > 0; chunks--)
        {
            ulong size = chunks * chunk - 16;
            try
            {
                PmemOid o = pool.Allocate(size, 1);
                pool.Free(ref o);
                return size;
            }
            catch (PoolFullException)
            {
            }
        }
        return 0;
    }

    /// <summary>
    /// Each thread allocates, frees and reallocates objects of mixed sizes, stamping each with a unique id;
    /// some objects are handed to other threads to free (a free into a run another arena owns).
    /// Returns the live objects with their ids and lengths.
    /// </summary>
    private static List<(PmemOid Oid, ulong Id, int Length)> Churn(ObjPool pool, int threads, int opsPerThread, int seed)
    {
        var handoff = new ConcurrentQueue<(PmemOid, ulong, int)>();
        var results = new List<(PmemOid, ulong, int)>[threads];
        var errors = new ConcurrentQueue<string>();
        long nextId = 1;
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int me = t;
            workers[t] = new Thread(() =>
            {
                var rng = new Random(seed + me);
                var live = new List<(PmemOid Oid, ulong Id, int Length)>();
                try
                {
                    for (int i = 0; i < opsPerThread; i++)
                    {
                        int action = rng.Next(10);
                        if (action < 2 && handoff.TryDequeue(out (PmemOid Oid, ulong Id, int Length) foreign))
                        {
                            if (!HasStamp(pool.GetSpan(foreign.Oid), foreign.Id, foreign.Length))
                                errors.Enqueue($"handed-off object {foreign.Id} damaged");
                            PmemOid f = foreign.Oid;
                            pool.Free(ref f);
                            continue;
                        }
                        if (live.Count > 0 && (action < 5 || live.Count > MaxLivePerThread))
                        {
                            int k = rng.Next(live.Count);
                            (PmemOid oid, ulong id, int len) = live[k];
                            if (!HasStamp(pool.GetSpan(oid), id, len))
                                errors.Enqueue($"object {id} damaged before free");
                            live[k] = live[^1];
                            live.RemoveAt(live.Count - 1);
                            if (action == 4)
                            {
                                handoff.Enqueue((oid, id, len));
                                continue;
                            }
                            pool.Free(ref oid);
                            continue;
                        }
                        if (live.Count > 0 && action == 5)
                        {
                            int k = rng.Next(live.Count);
                            (PmemOid oid, ulong id, int len) = live[k];
                            ulong newSize = NextSize(rng);
                            PmemOid moved = pool.Reallocate(oid, newSize, 2);
                            int kept = (int)Math.Min((ulong)len, newSize);
                            if (!HasStamp(pool.GetSpan(moved), id, kept, len))
                                errors.Enqueue($"object {id} lost its contents in realloc");
                            ulong nid = (ulong)Interlocked.Increment(ref nextId);
                            Stamp(pool.GetSpan(moved, 0, (int)newSize), nid);
                            live[k] = (moved, nid, (int)newSize);
                            continue;
                        }
                        ulong size = NextSize(rng);
                        ulong newId = (ulong)Interlocked.Increment(ref nextId);
                        PmemOid fresh = pool.Allocate(size, 1, (span, id) => Stamp(span[..(int)size], id), newId);
                        live.Add((fresh, newId, (int)size));
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue($"thread {me}: {e}");
                }
                results[me] = live;
            });
            workers[t].Start();
        }
        foreach (Thread w in workers)
            w.Join();
        Assert.True(errors.IsEmpty, string.Join("\n", errors.Take(5)));
        var all = new List<(PmemOid, ulong, int)>();
        foreach (List<(PmemOid, ulong, int)> r in results)
            all.AddRange(r);
        all.AddRange(handoff);
        return all;
    }

    private static void AssertIntact(ObjPool pool, List<(PmemOid Oid, ulong Id, int Length)> live)
    {
        var offsets = new HashSet<ulong>();
        foreach ((PmemOid oid, ulong id, int len) in live)
        {
            Assert.True(offsets.Add(oid.Offset), $"object {id} shares offset 0x{oid.Offset:x} with another live object");
            Assert.True(pool.UsableSize(oid) >= (ulong)len);
            Assert.True(HasStamp(pool.GetSpan(oid), id, len), $"object {id} at 0x{oid.Offset:x} damaged");
        }
        Assert.Equal(live.Count, pool.Objects().Count());
    }

    [Fact]
    public void Eight_threads_of_mixed_alloc_free_realloc_keep_objects_intact_and_leak_nothing()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("mt.pool");
        List<(PmemOid Oid, ulong Id, int Length)> live;
        using (ObjPool pool = ObjPool.Create(path, Layout, 256UL << 20, Fast))
        {
            long start = pool.Statistics.CurrentAllocated;

            live = Churn(pool, threads: 8, opsPerThread: 6_000, seed: 11);
            AssertIntact(pool, live);

            // A second round on the same arenas, now with their runs partly full.
            foreach ((PmemOid oid, ulong id, int len) in Churn(pool, threads: 4, opsPerThread: 4_000, seed: 97))
                live.Add((oid, id, len));
            AssertIntact(pool, live);
        }
        Assert.True(ObjPool.Check(path, Layout, out string? problem), problem);

        using (ObjPool pool = ObjPool.Open(path, Layout, Fast))
        {
            AssertIntact(pool, live);
            long start = pool.Statistics.CurrentAllocated;
            foreach ((PmemOid oid, _, _) in live.Take(live.Count / 2))
            {
                PmemOid o = oid;
                pool.Free(ref o);
            }
            live.RemoveRange(0, live.Count / 2);
            Assert.True(pool.Statistics.CurrentAllocated < start);
        }

        using (ObjPool pool = ObjPool.Create(dir.File("fresh.pool"), Layout, 256UL << 20, Fast))
        {
            long start = pool.Statistics.CurrentAllocated;
            ulong largest = LargestObject(pool);
            Assert.True(largest > 100UL << 20);
            List<(PmemOid Oid, ulong Id, int Length)> objs = Churn(pool, threads: 6, opsPerThread: 5_000, seed: 5);
            AssertIntact(pool, objs);
            // Free everything from other threads than the ones that allocated (cross-arena frees).
            Parallel.ForEach(objs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, o =>
            {
                PmemOid x = o.Oid;
                pool.Free(ref x);
            });
            Assert.Equal(start, pool.Statistics.CurrentAllocated);
            Assert.Empty(pool.Objects());
            // Empty runs, including those still active in arenas, give their chunks back: the whole heap is one block again.
            PmemOid all = pool.Allocate(largest, 1);
            Assert.Equal(largest + 16, (ulong)pool.Statistics.CurrentAllocated - (ulong)start);
            pool.Free(ref all);
            Assert.Equal(start, pool.Statistics.CurrentAllocated);
        }
    }

    [Fact]
    public void Pool_churned_by_many_threads_passes_Cs_pmemobj_check_and_pmempool_check_and_Cs_walk_matches()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("mtc.pool");
        var ours = new List<(ulong Off, ulong Type, ulong Usable)>();
        using (ObjPool pool = ObjPool.Create(path, Layout, 256UL << 20, Fast))
        {
            List<(PmemOid Oid, ulong Id, int Length)> live = Churn(pool, threads: 6, opsPerThread: 3_000, seed: 3);
            AssertIntact(pool, live);
            foreach (PmemOid o in pool.Objects())
                ours.Add((o.Offset, pool.TypeNumber(o), pool.UsableSize(o)));
        }
        Assert.Equal(1, NativeObj.pmemobj_check(path, Layout));
        var psi = new ProcessStartInfo("/usr/bin/pmempool", ["check", "-v", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using (Process p = Process.Start(psi)!)
        {
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"pmempool check failed (rc {p.ExitCode}): {output}");
        }
        Assert.Equal(ours, NativeObj.OpenAndWalk(path, Layout));
    }

    [Fact]
    public void Concurrent_transactions_and_reservations_publish_and_cancel_without_losing_blocks()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("mttx.pool");
        // Each arena keeps an active run per class (up to 4 MiB each for the large classes), as in PMDK.
        using (ObjPool pool = ObjPool.Create(path, Layout, 512UL << 20, Fast))
        {
            long start = pool.Statistics.CurrentAllocated;
            var errors = new ConcurrentQueue<string>();
            var kept = new ConcurrentBag<PmemOid>();
            var workers = new Thread[4];
            for (int t = 0; t < workers.Length; t++)
            {
                int me = t;
                workers[t] = new Thread(() =>
                {
                    var rng = new Random(100 + me);
                    try
                    {
                        for (int round = 0; round < 60; round++)
                        {
                            // Big enough now and then to need redo-log extensions at commit.
                            int n = round % 10 == 0 ? 150 : rng.Next(1, 12);
                            var mine = new List<PmemOid>();
                            bool abort = rng.Next(4) == 0;
                            pool.Transaction(tx =>
                            {
                                for (int i = 0; i < n; i++)
                                    mine.Add(tx.ZAllocate(NextSize(rng), 7));
                                if (abort)
                                    tx.Abort();
                            });
                            if (abort)
                                continue;
                            // Free half in another transaction, publish a reservation, cancel another.
                            pool.Transaction(tx =>
                            {
                                for (int i = 0; i < mine.Count; i += 2)
                                    tx.Free(mine[i]);
                            });
                            for (int i = 1; i < mine.Count; i += 2)
                                kept.Add(mine[i]);
                            Pmdk.Obj.Actions.ObjAction r = pool.Reserve(NextSize(rng), 8, zero: true);
                            Pmdk.Obj.Actions.ObjAction c = pool.Reserve(NextSize(rng), 9);
                            pool.Publish(r);
                            pool.Cancel(c);
                        }
                    }
                    catch (Exception e)
                    {
                        errors.Enqueue($"thread {me}: {e}");
                    }
                });
                workers[t].Start();
            }
            foreach (Thread w in workers)
                w.Join();
            Assert.True(errors.IsEmpty, string.Join("\n", errors.Take(5)));
            Assert.Empty(pool.Objects(9));
            Assert.Equal(kept.Count + pool.Objects(8).Count(), pool.Objects().Count());
            foreach (PmemOid o in pool.Objects().ToList())
            {
                PmemOid x = o;
                pool.Free(ref x);
            }
            Assert.Equal(start, pool.Statistics.CurrentAllocated);
        }
        Assert.True(ObjPool.Check(path, Layout, out string? problem), problem);
        Assert.Equal(1, NativeObj.pmemobj_check(path, Layout));
    }
}
