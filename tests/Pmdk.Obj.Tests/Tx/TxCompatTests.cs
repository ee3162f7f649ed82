// Transactions across implementations: C's interrupted transactions recovered by us, ours recovered by C (spec §7, §11).
using Pmdk.Pmem.Simulation;
using Pmdk.Testing;
using Pmdk.Testing.Crash;
using Pmdk.Testing.Oracle;
using Xunit.Abstractions;

namespace Pmdk.Obj.Tests.Tx;

public sealed unsafe class TxCompatTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs transaction k through C, step by step, copying the pool file in the middle of its body.</summary>
    private static void RunInC(nint pop, int k, string midCopy, string path)
    {
        NativeOid root = NativeObj.pmemobj_root(pop, (nuint)TxModel.RootSize);
        byte* r = (byte*)NativeObj.pmemobj_direct(root);
        NativeTx.Check(NativeTx.pmemobj_tx_begin(pop), "pmemobj_tx_begin");
        NativeTx.Check(NativeTx.pmemobj_tx_add_range(root, 0, 64), "add_range");
        NativeTx.Check(NativeTx.pmemobj_tx_add_range(root, 32, (nuint)(TxModel.RootSize - 32)), "add_range");
        new Span<byte>(r + 64, TxModel.Region).Fill((byte)k);
        *(long*)r = k;
        TxOid prev = *(TxOid*)(r + 16);
        NativeTx.Check(NativeTx.pmemobj_tx_free(prev), "pmemobj_tx_free");
        TxOid fresh = NativeTx.pmemobj_tx_zalloc((nuint)TxModel.ObjectSize(k), 100 + (ulong)k);
        if (fresh.Off == 0)
            throw new InvalidOperationException("pmemobj_tx_zalloc failed: " + NativeObj.ErrorMessage());
        *(long*)NativeObj.pmemobj_direct(fresh) = k;
        *(TxOid*)(r + 16) = fresh;
        // The "power failure": the pool as it is now (read from C's own mapping: the file is flock-ed by C), with
        // the transaction's snapshots logged and its stores done.
        File.WriteAllBytes(midCopy, new ReadOnlySpan<byte>((void*)pop, checked((int)new FileInfo(path).Length)));
        NativeTx.pmemobj_tx_commit();
        NativeTx.Check(NativeTx.pmemobj_tx_end(), "pmemobj_tx_end");
    }

    [Fact]
    public void C_transactions_interrupted_mid_body_are_rolled_back_by_our_recovery()
    {
        string path = _dir.File("c.pool");
        nint pop = NativeObj.pmemobj_create(path, TxModel.Layout, 16 << 20, 0b110_110_000);
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        try
        {
            NativeObj.pmemobj_root(pop, (nuint)TxModel.RootSize);
            for (int k = 1; k <= 4; k++)
            {
                RunInC(pop, k, _dir.File($"mid{k}.pool"), path);
                File.WriteAllBytes(_dir.File($"after{k}.pool"), new ReadOnlySpan<byte>((void*)pop, 16 << 20));
            }
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
        for (int k = 1; k <= 4; k++)
        {
            Assert.Equal(k - 1, TxModel.VerifyOurs(_dir.File($"mid{k}.pool"), k - 1, k - 1));
            Assert.Equal(k, TxModel.VerifyOurs(_dir.File($"after{k}.pool"), k, k));
            // We continue where C stopped, and C accepts the result.
            string mid = _dir.File($"mid{k}.pool");
            using (ObjPool pool = ObjPool.Open(mid, TxModel.Layout))
                TxModel.Run(pool, k);
            Assert.Equal(k, TxModel.VerifyOurs(mid, k, k));
            Assert.Equal(1, NativeObj.pmemobj_check(mid, TxModel.Layout));
        }
    }

    [Fact]
    public void Our_transactions_committed_and_aborted_are_read_by_C()
    {
        string path = _dir.File("ours.pool");
        using (ObjPool pool = ObjPool.Create(path, TxModel.Layout, 16 << 20))
        {
            for (int k = 1; k <= 3; k++)
                TxModel.Run(pool, k);
            PmemOid root = pool.Root(TxModel.RootSize);
            using (var tx = pool.BeginTransaction())
            {
                tx.AddRange(root, 0, TxModel.RootSize);
                pool.GetSpan(root).Slice(64, TxModel.Region).Fill(9);
                tx.ZAllocate(500, 7);
            }
        }
        Assert.Equal(1, NativeObj.pmemobj_check(path, TxModel.Layout));
        nint pop = NativeObj.pmemobj_open(path, TxModel.Layout);
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        try
        {
            VerifyC(pop, 3, "C");
            // C runs transaction 4 on our pool.
            RunInC(pop, 4, _dir.File("mid.pool"), path);
            VerifyC(pop, 4, "C");
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
        Assert.Equal(4, TxModel.VerifyOurs(path, 4, 4));
        Assert.Equal(3, TxModel.VerifyOurs(_dir.File("mid.pool"), 3, 3));
    }

    private static void VerifyC(nint pop, int c, string who)
    {
        NativeOid root = NativeObj.pmemobj_root(pop, (nuint)TxModel.RootSize);
        var span = new ReadOnlySpan<byte>((void*)NativeObj.pmemobj_direct(root), (int)TxModel.RootSize);
        TxModel.Verify(c, span, NativeTx.Objects(pop), off => *(long*)NativeObj.pmemobj_direct(new NativeOid { PoolUuidLo = root.PoolUuidLo, Off = off }), who);
    }

    [Fact]
    public void Crash_images_of_our_transactions_are_recovered_by_C_to_before_or_after()
    {
        const int txCount = 3;
        string path = _dir.File("sim.pool");
        ObjPool.Create(path, TxModel.Layout, 16 << 20).Dispose();
        int cImages = 0;
        CrashReport report = CrashHarness.Run(path, sim =>
        {
            using ObjPool pool = ObjPool.Open(path, TxModel.Layout, new ObjPoolOptions { PersistenceProvider = sim, IsPmemForce = true });
            pool.Root(TxModel.RootSize);
            for (int k = 1; k <= txCount; k++)
            {
                using (sim.Operation($"tx#{k}"))
                    TxModel.Run(pool, k);
            }
        }, (image, imagePath) =>
        {
            int done = image.CompletedOperations.Count;
            int hi = done + (image.InProgressOperation is null ? 0 : 1);
            string cCopy = imagePath + ".c";
            File.Copy(imagePath, cCopy, overwrite: true);
            nint pop = NativeObj.pmemobj_open(cCopy, TxModel.Layout);
            if (pop == 0)
                throw new InvalidDataException("C cannot open the crash image: " + NativeObj.ErrorMessage());
            int cCounter;
            try
            {
                NativeOid root = NativeObj.pmemobj_root(pop, (nuint)TxModel.RootSize);
                cCounter = (int)*(long*)NativeObj.pmemobj_direct(root);
                if (cCounter < done || cCounter > hi)
                    throw new InvalidDataException($"C: counter {cCounter} outside [{done}, {hi}]");
                VerifyC(pop, cCounter, "C");
            }
            finally
            {
                NativeObj.pmemobj_close(pop);
            }
            if (NativeObj.pmemobj_check(cCopy, TxModel.Layout) != 1)
                throw new InvalidDataException("C: pmemobj_check fails after C's recovery");
            int ours = TxModel.VerifyOurs(imagePath, done, hi);
            if (ours != cCounter)
                throw new InvalidDataException($"C recovered to {cCounter}, we to {ours}");
            cImages++;
        }, new CrashOptions { Plan = new CrashPlan { Engine = ReorderEngine.NoReorder } });
        output.WriteLine($"{report}; C opened {cImages} images");
        Assert.Equal(0, report.FailureCount);
        Assert.True(report.ImagesChecked > 50, report.ToString());
    }
}
