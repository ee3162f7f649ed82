// Simulated power failure at every fence of pmemblk writes: every block reads all-old or all-new, never a mix, never lost.
using System.Buffers.Binary;
using Pmdk.Blk;
using Pmdk.Pmem.Simulation;
using Pmdk.Testing;
using Pmdk.Testing.Crash;
using Xunit.Abstractions;

namespace Pmdk.Crash.Tests;

public sealed class BlkCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int BlockSize = 512;
    private const int Lbas = 6;
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private enum Kind { Write, Zero }

    private sealed record Op(int Lba, int Version, Kind Kind);

    /// <summary>A deterministic mix of writes (mostly) and set-zeros over a few blocks, so blocks are rewritten often.</summary>
    private static Op[] Ops(int count)
    {
        var rng = new Random(1234);
        var versions = new int[Lbas];
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            int lba = rng.Next(Lbas);
            return new Op(lba, ++versions[lba], i % 9 == 8 ? Kind.Zero : Kind.Write);
        })];
    }

    private static byte[] Content(Op op)
    {
        byte[] block = new byte[BlockSize];
        if (op.Kind == Kind.Zero)
            return block;
        block.AsSpan().Fill((byte)(op.Version * 7 + op.Lba));
        BinaryPrimitives.WriteInt32LittleEndian(block, op.Lba);
        BinaryPrimitives.WriteInt32LittleEndian(block.AsSpan(4), op.Version);
        return block;
    }

    /// <summary>One lane, and four lanes taken round-robin (every write on another lane's flog and free block).</summary>
    [Theory]
    [InlineData(1, BlkLaneSelection.ThreadAffine)]
    [InlineData(4, BlkLaneSelection.RoundRobin)]
    public void Every_block_reads_all_old_or_all_new_at_every_fence(int lanes, BlkLaneSelection selection)
    {
        Op[] ops = Ops(24);
        string path = _dir.File("blk");
        using (PmemBlk.Create(path, BlockSize, (16 << 20) + 8192, new PmemBlkOptions { IsPmemForce = true }))
        {
            // The BTT layout is written lazily by the first write, inside the recorded workload.
        }

        CrashReport report = CrashHarness.Run(path, sim =>
        {
            using var blk = PmemBlk.Open(path, BlockSize, new PmemBlkOptions
            {
                IsPmemForce = true,
                PersistenceProvider = sim,
                MaxLanes = lanes,
                LaneSelection = selection,
            });
            for (int i = 0; i < ops.Length; i++)
            {
                using (sim.Operation($"op#{i}"))
                {
                    if (ops[i].Kind == Kind.Zero)
                        blk.SetZero(ops[i].Lba);
                    else
                        blk.Write(ops[i].Lba, Content(ops[i]));
                }
            }
        }, (image, imagePath) => Check(ops, image, imagePath), new CrashOptions
        {
            Engines = [ReorderEngine.Accumulative, ReorderEngine.ReverseAccumulative],
        });
        output.WriteLine(report.ToString());
        Assert.Equal(0, report.FailureCount);
        Assert.True(report.ImagesChecked >= 400, report.ToString());
    }

    private static void Check(Op[] ops, CrashImage image, string imagePath)
    {
        if (!PmemBlk.Check(imagePath, BlockSize))
            throw new InvalidDataException("PmemBlk.Check rejects the crash image before recovery");
        using var blk = PmemBlk.Open(imagePath, BlockSize, new PmemBlkOptions { IsPmemForce = true, LaneSelection = BlkLaneSelection.RoundRobin });
        int completed = image.CompletedOperations.Count;
        Op? inProgress = image.InProgressOperation is null ? null : ops[completed];
        byte[] actual = new byte[BlockSize];
        for (int lba = 0; lba < Lbas; lba++)
        {
            Op? last = ops.Take(completed).LastOrDefault(o => o.Lba == lba);
            byte[] old = last is null ? new byte[BlockSize] : Content(last);
            blk.Read(lba, actual);
            if (actual.AsSpan().SequenceEqual(old))
                continue;
            if (inProgress is not null && inProgress.Lba == lba && actual.AsSpan().SequenceEqual(Content(inProgress)))
                continue;
            throw new InvalidDataException(
                $"block {lba} after {completed} operations is neither its last completed version ({last?.Version ?? 0})" +
                $" nor the in-progress one: first bytes {Convert.ToHexString(actual, 0, 8)}");
        }

        // The recovered free blocks must really be free: rewrite every block on every lane and read all back (a block
        // both mapped and free would show another block's data).
        for (int round = 0; round < blk.LaneCount; round++)
        {
            for (int lba = 0; lba < Lbas; lba++)
                blk.Write(lba, Content(new Op(lba, 1000 + round, Kind.Write)));
        }
        for (int lba = 0; lba < Lbas; lba++)
        {
            blk.Read(lba, actual);
            if (!actual.AsSpan().SequenceEqual(Content(new Op(lba, 1000 + blk.LaneCount - 1, Kind.Write))))
                throw new InvalidDataException($"block {lba} lost its rewrite after recovery: a free block was still mapped");
        }
    }
}
