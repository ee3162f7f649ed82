// User-supplied log buffers, automatic log extension switched off, and the log-size formulas, against C's (PMDK: tx.c pmemobj_tx_log_append_buffer, pmemobj_tx_log_auto_alloc, pmemobj_tx_log_*_max_size).
using Pmdk.Obj.Tx;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Obj.Tests.Tx;

public sealed unsafe class TxUserBufferTests : IDisposable
{
    private const string Layout = "userbuf";
    private const int Region = 100 << 10; // far beyond the lane's 2 KiB undo log
    private const ulong BufferType = 50;
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ObjPool Create(out string path)
    {
        path = _dir.File($"p{Guid.NewGuid():N}.pool");
        return ObjPool.Create(path, Layout, 32 << 20);
    }

    private static PmemOid AllocBuffer(ObjPool pool, ulong size)
    {
        PmemOid buf = PmemOid.Null;
        pool.Transaction(tx => buf = tx.ZAllocate(size, BufferType));
        return buf;
    }

    [Fact]
    public void A_large_snapshot_fits_only_thanks_to_the_user_buffer_when_auto_alloc_is_off()
    {
        using ObjPool pool = Create(out string path);
        PmemOid root = pool.Root(Region);
        pool.GetSpan(root)[..Region].Fill(1);
        pool.Persist(root, 0, Region);

        // Without a buffer and with auto-allocation off, the snapshot does not fit: the transaction aborts.
        var ex = Assert.Throws<TransactionAbortedException>(() => pool.Transaction(tx =>
        {
            tx.SetLogAutoAllocate(TxLogType.Snapshot, false);
            tx.AddRange(root, 0, Region);
            pool.GetSpan(root)[..Region].Fill(9);
        }));
        Assert.IsType<PoolFullException>(ex.InnerException);
        Assert.Equal(-1, pool.GetSpan(root)[..Region].IndexOfAnyExcept((byte)1));

        ulong need = TxLogSizes.SnapshotsMaxSize([Region]);
        PmemOid buf = AllocBuffer(pool, need);
        HashSet<ulong> before = pool.TestHookLaneExtensions();

        // With the buffer: committed.
        pool.Transaction(tx =>
        {
            tx.SetLogAutoAllocate(TxLogType.Snapshot, false);
            tx.AppendLogBuffer(TxLogType.Snapshot, buf);
            tx.AddRange(root, 0, Region);
            pool.GetSpan(root)[..Region].Fill(2);
        });
        Assert.Equal(-1, pool.GetSpan(root)[..Region].IndexOfAnyExcept((byte)2));

        // Aborted with the buffer: every byte restored from it.
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            tx.SetLogAutoAllocate(TxLogType.Snapshot, false);
            tx.AppendLogBuffer(TxLogType.Snapshot, buf);
            tx.AddRange(root, 0, Region);
            pool.GetSpan(root)[..Region].Fill(3);
            tx.Abort();
        }
        Assert.Equal(-1, pool.GetSpan(root)[..Region].IndexOfAnyExcept((byte)2));

        // The buffer is the user's again (still allocated, unlinked) and no extension was allocated for it.
        Assert.Contains(buf, pool.Objects(BufferType));
        Assert.Equal(before, pool.TestHookLaneExtensions());
        Assert.DoesNotContain(pool.TestHookLaneExtensions(), e => e >= buf.Offset && e < buf.Offset + need);

        // A buffer too small to hold a header and one entry is refused (and aborts), so is one lent twice.
        PmemOid tiny = AllocBuffer(pool, 64);
        Assert.Throws<TransactionAbortedException>(() => pool.Transaction(tx => tx.AppendLogBuffer(TxLogType.Snapshot, tiny)));
        Assert.Throws<TransactionAbortedException>(() => pool.Transaction(tx =>
        {
            tx.AppendLogBuffer(TxLogType.Snapshot, buf);
            tx.AppendLogBuffer(TxLogType.Intent, buf.Offset + 256, 1024);
        }));
        Assert.Equal(before, pool.TestHookLaneExtensions());
        pool.Dispose();
        Assert.True(ObjPool.Check(path, Layout, out string? problem), problem);
        Assert.Equal(1, NativeObj.pmemobj_check(path, Layout));
    }

    [Fact]
    public void Intents_beyond_the_lane_log_go_to_the_user_buffer_when_auto_alloc_is_off()
    {
        const int Count = 120;
        using ObjPool pool = Create(out string path);
        PmemOid root = pool.Root(Count * 16);

        // Without a buffer: the commit's intents do not fit, so the commit aborts and nothing is allocated.
        Assert.Throws<TransactionAbortedException>(() => pool.Transaction(tx =>
        {
            tx.SetLogAutoAllocate(TxLogType.Intent, false);
            for (int i = 0; i < Count; i++)
                tx.ZAllocate(64, 7);
        }));
        Assert.Empty(pool.Objects(7));

        PmemOid buf = AllocBuffer(pool, TxLogSizes.IntentsMaxSize(Count * 4));
        pool.Transaction(tx =>
        {
            tx.SetLogAutoAllocate(TxLogType.Intent, false);
            tx.AppendLogBuffer(TxLogType.Intent, buf);
            tx.AddRange(root, 0, Count * 16);
            for (int i = 0; i < Count; i++)
            {
                PmemOid o = tx.ZAllocate(64, 7);
                pool.Ref<long>(o) = i;
                pool.Ref<PmemOid>(root, (ulong)i * 16) = o;
            }
        });
        Assert.Equal(Count, pool.Objects(7).Count());
        for (int i = 0; i < Count; i++)
            Assert.Equal(i, pool.Ref<long>(pool.Ref<PmemOid>(root, (ulong)i * 16)));
        Assert.Contains(buf, pool.Objects(BufferType));

        // Frees through the buffer too, then both kinds in one nested transaction.
        pool.Transaction(tx =>
        {
            tx.AppendLogBuffer(TxLogType.Intent, buf);
            tx.SetLogAutoAllocate(TxLogType.Intent, false);
            foreach (PmemOid o in pool.Objects(7).ToList())
                tx.Free(o);
            using ObjTransaction inner = pool.BeginTransaction();
            PmemOid snap = AllocBufferInTx(inner, TxLogSizes.SnapshotsMaxSize([Count * 16]));
            inner.AppendLogBuffer(TxLogType.Snapshot, snap);
            inner.AddRange(root, 0, Count * 16);
            pool.GetSpan(root)[..(Count * 16)].Clear();
            inner.Commit();
        });
        Assert.Empty(pool.Objects(7));
        pool.Dispose();
        Assert.True(ObjPool.Check(path, Layout, out string? problem), problem);
        Assert.Equal(1, NativeObj.pmemobj_check(path, Layout));
    }

    private static PmemOid AllocBufferInTx(ObjTransaction tx, ulong size) => tx.ZAllocate(size, BufferType);

    [Fact]
    public void A_pool_after_user_buffer_transactions_opens_in_C_with_the_data()
    {
        const int Count = 60;
        using ObjPool pool = Create(out string path);
        PmemOid root = pool.Root(Region);
        PmemOid undo = AllocBuffer(pool, TxLogSizes.SnapshotsMaxSize([Region]));
        PmemOid redo = AllocBuffer(pool, TxLogSizes.IntentsMaxSize(Count * 4));
        pool.Transaction(tx =>
        {
            tx.AppendLogBuffer(TxLogType.Snapshot, undo);
            tx.AppendLogBuffer(TxLogType.Intent, redo);
            tx.SetLogAutoAllocate(TxLogType.Snapshot, false);
            tx.SetLogAutoAllocate(TxLogType.Intent, false);
            tx.AddRange(root, 0, Region);
            pool.GetSpan(root)[..Region].Fill(0x5a);
            for (int i = 0; i < Count; i++)
                pool.Ref<PmemOid>(root, (ulong)i * 16) = tx.ZAllocate(100, 8);
        });
        pool.Dispose();

        Assert.Equal(1, NativeObj.pmemobj_check(path, Layout));
        nint pop = NativeObj.pmemobj_open(path, Layout);
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        try
        {
            NativeOid r = NativeObj.pmemobj_root(pop, 0);
            var data = new ReadOnlySpan<byte>((void*)NativeObj.pmemobj_direct(r), Region);
            Assert.Equal(-1, data[(Count * 16)..].IndexOfAnyExcept((byte)0x5a));
            var objects = NativeObj.Walk(pop);
            Assert.Equal(Count, objects.Count(o => o.Type == 8));
            Assert.Equal(2, objects.Count(o => o.Type == BufferType));
            // C can run its own user-buffer transaction with our buffer object.
            NativeOid u = objects.Where(o => o.Type == BufferType).Select(o => new NativeOid { PoolUuidLo = r.PoolUuidLo, Off = o.Off }).First();
            NativeTx.Check(NativeTx.pmemobj_tx_begin(pop), "pmemobj_tx_begin");
            NativeTx.Check(NativeObj.pmemobj_tx_log_append_buffer(0, NativeObj.pmemobj_direct(u), NativeObj.pmemobj_alloc_usable_size(u)), "append_buffer");
            NativeTx.Check(NativeTx.pmemobj_tx_add_range(r, 0, (nuint)Region), "add_range");
            new Span<byte>((void*)NativeObj.pmemobj_direct(r), Region).Fill(0x6b);
            NativeTx.pmemobj_tx_commit();
            NativeTx.Check(NativeTx.pmemobj_tx_end(), "pmemobj_tx_end");
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
        using ObjPool again = ObjPool.Open(path, Layout);
        Assert.Equal(-1, again.GetSpan(again.RootOrNull)[..Region].IndexOfAnyExcept((byte)0x6b));
        Assert.Equal(2, again.Objects(BufferType).Count());
        again.Dispose();
        Assert.True(ObjPool.Check(path, Layout, out string? problem), problem);
    }

    [Fact]
    public void An_image_cut_mid_transaction_rolls_back_from_the_user_buffer_in_ours_and_in_C()
    {
        using ObjPool pool = Create(out string path);
        PmemOid root = pool.Root(Region);
        pool.GetSpan(root)[..Region].Fill(1);
        pool.Persist(root, 0, Region);
        PmemOid buf = AllocBuffer(pool, TxLogSizes.SnapshotsMaxSize([Region]));
        string cutOurs = path + ".ours", cutC = path + ".c";
        using (ObjTransaction tx = pool.BeginTransaction())
        {
            tx.AppendLogBuffer(TxLogType.Snapshot, buf);
            tx.SetLogAutoAllocate(TxLogType.Snapshot, false);
            tx.AddRange(root, 0, Region);
            pool.GetSpan(root)[..Region].Fill(2);
            pool.Persist(root, 0, Region);
            // The "power failure": the pool as it is now (read from our mapping: the file is flock-ed), with the
            // snapshots in the lane's log and in the buffer, and the new bytes stored.
            var image = new ReadOnlySpan<byte>((void*)(pool.DangerousGetPointer(root) - (nint)root.Offset), checked((int)new FileInfo(path).Length));
            File.WriteAllBytes(cutOurs, image);
            File.WriteAllBytes(cutC, image);
            tx.Abort();
        }
        pool.Dispose();

        using (ObjPool recovered = ObjPool.Open(cutOurs, Layout))
        {
            Assert.Equal(-1, recovered.GetSpan(recovered.RootOrNull)[..Region].IndexOfAnyExcept((byte)1));
            Assert.Single(recovered.Objects(BufferType)); // unlinked, never freed
        }
        Assert.True(ObjPool.Check(cutOurs, Layout, out string? problem), problem);

        // C reads the snapshot entries our transaction wrote into the user-owned ulog and rolls back too.
        nint pop = NativeObj.pmemobj_open(cutC, Layout);
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        try
        {
            NativeOid r = NativeObj.pmemobj_root(pop, 0);
            Assert.Equal(-1, new ReadOnlySpan<byte>((void*)NativeObj.pmemobj_direct(r), Region).IndexOfAnyExcept((byte)1));
            // A known divergence: C's recovery frees every ulog after the lane's own (lane_undo_recovery does not
            // pass ULOG_ANY_USER_BUFFER), so the lent buffer object is gone; ours unlinks it and leaves it allocated.
            Assert.Equal(0, NativeObj.Walk(pop).Count(o => o.Type == BufferType));
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
        Assert.Equal(1, NativeObj.pmemobj_check(cutC, Layout));
    }

    public static TheoryData<ulong[]> SnapshotSizeInputs => new()
    {
        Array.Empty<ulong>(),
        new ulong[] { 0 },
        new ulong[] { 1 },
        new ulong[] { 40 },
        new ulong[] { 41 },
        new ulong[] { 64, 128, 4096, 100 << 10 },
        new ulong[] { ObjPool.MaxAllocSize },
        new ulong[] { ObjPool.MaxAllocSize - 88, 1 },
        new ulong[] { ObjPool.MaxAllocSize, ObjPool.MaxAllocSize, ObjPool.MaxAllocSize },
        new ulong[] { ulong.MaxValue },
        new ulong[] { ulong.MaxValue - 87 },
        new ulong[] { ulong.MaxValue / 2, ulong.MaxValue / 2 },
        new ulong[] { 1UL << 62, 1UL << 62, 1UL << 62 },
    };

    [Theory]
    [MemberData(nameof(SnapshotSizeInputs))]
    public void Snapshots_max_size_equals_C(ulong[] sizes)
    {
        nuint c;
        fixed (ulong* p = sizes)
            c = NativeObj.pmemobj_tx_log_snapshots_max_size((nuint*)p, (nuint)sizes.Length);
        Assert.Equal((ulong)c, TxLogSizes.SnapshotsMaxSize(sizes));
    }

    [Fact]
    public void Snapshots_max_size_equals_C_for_random_inputs()
    {
        var rng = new Random(5);
        for (int i = 0; i < 500; i++)
        {
            var sizes = new ulong[rng.Next(0, 20)];
            for (int j = 0; j < sizes.Length; j++)
                sizes[j] = (ulong)rng.NextInt64(0, 1L << rng.Next(1, 40));
            nuint c;
            fixed (ulong* p = sizes)
                c = NativeObj.pmemobj_tx_log_snapshots_max_size((nuint*)p, (nuint)sizes.Length);
            Assert.Equal((ulong)c, TxLogSizes.SnapshotsMaxSize(sizes));
        }
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(4UL)]
    [InlineData(5UL)]
    [InlineData(40UL)]
    [InlineData(1000UL)]
    [InlineData(1UL << 30)]
    [InlineData(ObjPool.MaxAllocSize / 16)]
    [InlineData(ObjPool.MaxAllocSize / 16 * 7 + 3)]
    [InlineData(ulong.MaxValue / 16 - 4)]
    [InlineData(ulong.MaxValue / 16)]
    [InlineData(ulong.MaxValue / 16 + 1)]
    [InlineData(ulong.MaxValue)]
    public void Intents_max_size_equals_C(ulong n)
    {
        Assert.Equal((ulong)NativeObj.pmemobj_tx_log_intents_max_size((nuint)n), TxLogSizes.IntentsMaxSize(n));
    }
}
