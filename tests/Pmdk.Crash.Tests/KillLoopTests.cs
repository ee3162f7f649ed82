// kill -9 at random moments of a transacting child process: after reopening (by ours, or by C's libpmemobj) every reported commit survived, the invariants hold and both checkers pass.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Pmdk.KillChild;
using Pmdk.Obj;
using Pmdk.PmemPool;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;
using Xunit.Abstractions;

namespace Pmdk.Crash.Tests;

[Collection(OracleCollection.Name)]
public sealed class KillLoopTests(ITestOutputHelper output)
{
    private const int ShmIterations = 24;
    private const int DiskIterations = 6;

    [Fact]
    public void A_child_killed_mid_transaction_leaves_every_reported_commit_and_the_invariants()
    {
        var clock = Stopwatch.StartNew();
        using var shm = new TempPoolDirectory(PoolBackend.Shm);
        using var disk = new TempPoolDirectory(PoolBackend.Disk);
        string shmPool = shm.File("kill.pool");
        string diskPool = disk.File("kill.pool");
        foreach (string path in new[] { shmPool, diskPool })
        {
            using ObjPool pool = ObjPool.Create(path, KillWorkload.Layout, 32 << 20);
            KillWorkload.Initialize(pool);
        }
        var rng = new Random(20261123);
        long committedTotal = 0;
        int killedWithWork = 0;
        int cRecoveries = 0;
        for (int i = 0; i < ShmIterations + DiskIterations; i++)
        {
            bool onDisk = i >= ShmIterations;
            string path = onDisk ? diskPool : shmPool;
            long before = LastCommitted(path);
            int delay = rng.Next(20, 301);
            (long maxReported, int reported, string stderr) = RunAndKill(path, pmemForce: !onDisk, seed: rng.Next(), delayMs: delay);
            // Every fourth iteration C's libpmemobj is the first to open the pool: its recovery runs, not ours.
            bool cFirst = i % 4 == 3;
            long last;
            if (cFirst)
            {
                last = VerifyWithC(path);
                cRecoveries++;
                Assert.Equal(last, VerifyWithOurs(path));
            }
            else
            {
                last = VerifyWithOurs(path);
                Assert.Equal(last, VerifyWithC(path));
            }
            Assert.True(maxReported <= last, $"iteration {i}: tx {maxReported} was reported committed but the pool's last is {last}");
            long floor = reported == 0 ? before : maxReported;
            Assert.True(last <= floor + 1, $"iteration {i}: last committed {last}, but only {floor} reported (at most one commit may be unreported)");
            CheckReport report = ObjPoolCheck.Run(path, KillWorkload.Layout);
            Assert.True(report.IsConsistent, $"iteration {i}: {string.Join("; ", report.Problems)}");
            Assert.Equal(1, NativeObj.pmemobj_check(path, KillWorkload.Layout));
            committedTotal += last - before;
            if (last > before)
                killedWithWork++;
            output.WriteLine($"#{i} {(onDisk ? "disk" : "shm ")} kill after {delay,3} ms: {reported,6} reported, last {last,7}, recovered by {(cFirst ? "C" : "ours")}{(stderr.Length > 0 ? " stderr: " + stderr : "")}");
        }
        output.WriteLine($"{ShmIterations + DiskIterations} kills, {committedTotal} transactions committed, {cRecoveries} recoveries by C, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(killedWithWork == ShmIterations + DiskIterations, $"only {killedWithWork} children committed anything before the kill");
    }

    /// <summary>Starts the child, waits for "started", kills it after <paramref name="delayMs"/>, returns what it reported.</summary>
    private static (long MaxReported, int Reported, string Stderr) RunAndKill(string path, bool pmemForce, int seed, int delayMs)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(typeof(KillWorkload).Assembly.Location);
        psi.ArgumentList.Add(path);
        psi.ArgumentList.Add(seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.Environment["PMEM_IS_PMEM_FORCE"] = pmemForce ? "1" : "0";
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        var started = new TaskCompletionSource();
        long max = 0;
        int count = 0;
        Task reader = Task.Run(() =>
        {
            string? line;
            while ((line = p.StandardOutput.ReadLine()) is not null)
            {
                if (line == "started")
                {
                    started.TrySetResult();
                    continue;
                }
                long id = long.Parse(line, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(id > max, $"ids out of order: {id} after {max}");
                max = id;
                count++;
            }
            started.TrySetResult();
        });
        try
        {
            if (!started.Task.Wait(TimeSpan.FromSeconds(60)))
                throw new TimeoutException("the child did not start");
            Thread.Sleep(delayMs);
        }
        finally
        {
            if (!p.HasExited)
                p.Kill(); // SIGKILL on Unix
            p.WaitForExit();
        }
        reader.Wait();
        if (p.ExitCode != 137 && p.ExitCode != -1 && !(p.ExitCode == 0 && count == 0))
            throw new InvalidOperationException($"the child exited with {p.ExitCode} before the kill: {stderr.Result}");
        return (max, count, stderr.Result.Trim());
    }

    private static long LastCommitted(string path)
    {
        using ObjPool pool = ObjPool.Open(path, KillWorkload.Layout);
        return pool.Ref<long>(pool.RootOrNull, KillWorkload.LastTxOffset);
    }

    private static long VerifyWithOurs(string path)
    {
        using ObjPool pool = ObjPool.Open(path, KillWorkload.Layout);
        PmemOid root = pool.RootOrNull;
        var objects = pool.Objects().Select(o => (o.Offset, pool.TypeNumber(o))).ToList();
        long last = KillWorkload.Verify(root, (oid, off) => pool.Ref<long>(oid, off), objects);
        pool.Transaction(tx => tx.Free(tx.Allocate(100, 9))); // the recovered pool takes new transactions
        return last;
    }

    private static long VerifyWithC(string path)
    {
        nint pop = NativeObj.pmemobj_open(path, KillWorkload.Layout);
        if (pop == 0)
            throw new InvalidOperationException($"C cannot open the killed pool: {NativeObj.ErrorMessage()} {Marshal.GetLastPInvokeErrorMessage()}");
        try
        {
            NativeOid r = NativeObj.pmemobj_root(pop, 0);
            nint rootPtr = NativeObj.pmemobj_direct(r);
            nint poolBase = rootPtr - (nint)r.Off;
            var objects = NativeObj.Walk(pop).Select(o => (o.Off, o.Type)).ToList();
            return KillWorkload.Verify(new PmemOid(r.PoolUuidLo, r.Off), (oid, off) => Marshal.ReadInt64(poolBase + (nint)(oid.Offset + off)), objects);
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
    }
}
