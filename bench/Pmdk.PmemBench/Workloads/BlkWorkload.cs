// blk_{write,read}_BSIZE_t{1,2}: random-lba block writes then reads on a 1 GiB pool (perf-notes §3.5; PMDK: benchmarks/blk.cpp).
using Pmdk.Blk;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// A 1 GiB block pool on /dev/shm, prefaulted at create (ours <c>PmemBlkOptions.Prefault</c>, C <c>PMEMBLK_CONF</c>
/// <c>prefault.at_create=1</c>) and warmed by writing zeros to every lba once (untimed). With T threads,
/// thread t writes lba_i = <c>t·⌊nblock/T⌋ + next() % ⌊nblock/T⌋</c> (xorshift64*, seed of thread t) from a buffer of
/// BSIZE bytes of t+1. Steps: OPS writes per thread with T = 1 (figure blk_write_BSIZE_t1), the same lbas read back
/// (blk_read_BSIZE_t1), then the same with T = 2 on the same pool (every block has been written by then, as after the
/// warm-up). Ours <c>PmemBlk.Write</c>/<c>Read</c>; C <c>pmemblk_write</c>/<c>pmemblk_read</c>.
/// </summary>
/// <remarks>Deviation from perf-notes §3.5 (a fresh pool per thread count): one pool and one warm-up serve both
/// thread counts, which halves the untimed warm-up of the full run.</remarks>
internal sealed unsafe class BlkWorkload : Workload
{
    private const long PoolSize = 1L << 30;
    private readonly int _blockSize;
    private readonly long _baseOps;

    public BlkWorkload(int blockSize, long baseOps)
    {
        _blockSize = blockSize;
        _baseOps = baseOps;
    }

    private string Size => SizeLabel((ulong)_blockSize);

    public override string Name => $"blk_{Size}";

    public override IReadOnlyList<string> FigureNames =>
        [$"blk_write_{Size}_t1", $"blk_read_{Size}_t1", $"blk_write_{Size}_t2", $"blk_read_{Size}_t2"];

    public override ulong BytesPerOp => (ulong)_blockSize;

    /// <summary>Ops per thread of each step.</summary>
    public override long Ops(RunContext context) => context.Ops(_baseOps);

    /// <summary>Step id: bit 0 = read, bit 1 = two threads.</summary>
    public override IReadOnlyList<Step> Steps(RunContext context)
    {
        long ops = Ops(context);
        return [.. Enumerable.Range(0, 4).Select(id => new Step(id, id, ops, ops * ThreadsOf(id), Chunks(ops)))];
    }

    private static int ThreadsOf(int step) => (step & 2) != 0 ? 2 : 1;

    public override ISideRun Prepare(Side side, RunContext context)
    {
        long poolSize = context.Small ? 32L << 20 : PoolSize;
        string path = context.Files.FreshShm($"{Name}.{side}");
        try
        {
            BlkSide run = side == Side.Ours ? new OursBlk(path, _blockSize, poolSize) : new CBlk(path, _blockSize, poolSize);
            run.Initialize(Ops(context));
            return run;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>What both sides share: warm-up, lba sequences, per-thread buffers, the threaded chunk.</summary>
    private abstract class BlkSide : ISideRun
    {
        private readonly string _path;
        private long[][][] _lbas = []; // [threads - 1][thread][i]
        private PinnedBuffer[] _buffers = [];

        protected BlkSide(string path, int blockSize)
        {
            _path = path;
            BlockSize = blockSize;
        }

        protected int BlockSize { get; }

        protected abstract long BlockCount { get; }

        public string? Note => null;

        public void Initialize(long ops)
        {
            // Untimed warm-up, on two threads (halves of the lba range) to keep the full run short.
            var zeros = new PinnedBuffer(BlockSize, _ => 0);
            long blocks = BlockCount;
            ThreadTeam.Run(2, h =>
            {
                for (long lba = h * blocks / 2, end = (h + 1) * blocks / 2; lba < end; lba++)
                    Write(zeros, lba);
            });
            _lbas = [Sequences(1, ops, blocks), Sequences(2, ops, blocks)];
            _buffers = [new PinnedBuffer(BlockSize, _ => 1), new PinnedBuffer(BlockSize, _ => 2)];
        }

        private static long[][] Sequences(int threads, long ops, long blocks)
        {
            long part = blocks / threads;
            var lbas = new long[threads][];
            for (int t = 0; t < threads; t++)
            {
                var rng = new Xorshift64Star(t);
                long[] l = lbas[t] = new long[ops];
                for (long i = 0; i < ops; i++)
                    l[i] = t * part + (long)(rng.Next() % (ulong)part);
            }
            return lbas;
        }

        protected abstract void Write(PinnedBuffer buffer, long lba);

        protected abstract void Loop(bool read, PinnedBuffer buffer, long[] lbas, long first, long count);

        public long RunChunk(int step, long first, long count)
        {
            int threads = ThreadsOf(step);
            long[][] lbas = _lbas[threads - 1];
            return ThreadTeam.Run(threads, t => Loop((step & 1) != 0, _buffers[t], lbas[t], first, count));
        }

        public LatencySummary? MeasureLatency(long count) => null;

        public virtual void Dispose() => File.Delete(_path);
    }

    private sealed class OursBlk : BlkSide
    {
        private readonly PmemBlk _blk;

        public OursBlk(string path, int blockSize, long poolSize) : base(path, blockSize) =>
            _blk = PmemBlk.Create(path, blockSize, poolSize, new PmemBlkOptions { IsPmemForce = true, Prefault = true });

        protected override long BlockCount => _blk.BlockCount;

        protected override void Write(PinnedBuffer buffer, long lba) => _blk.Write(lba, buffer.Array);

        protected override void Loop(bool read, PinnedBuffer buffer, long[] lbas, long first, long count)
        {
            PmemBlk blk = _blk;
            long end = first + count;
            if (read)
            {
                Span<byte> data = buffer.Array;
                for (long i = first; i < end; i++)
                    blk.Read(lbas[i], data);
            }
            else
            {
                ReadOnlySpan<byte> data = buffer.Array;
                for (long i = first; i < end; i++)
                    blk.Write(lbas[i], data);
            }
        }

        public override void Dispose()
        {
            _blk.Dispose();
            base.Dispose();
        }
    }

    private sealed class CBlk : BlkSide
    {
        private readonly nint _blk;

        public CBlk(string path, int blockSize, long poolSize) : base(path, blockSize) =>
            _blk = LibPmemBlk.Create(path, (ulong)blockSize, (ulong)poolSize);

        protected override long BlockCount => (long)LibPmemBlk.pmemblk_nblock(_blk);

        protected override void Write(PinnedBuffer buffer, long lba)
        {
            if (LibPmemBlk.pmemblk_write(_blk, buffer.Pointer, lba) != 0)
                LibPmemBlk.ThrowIo("pmemblk_write", lba);
        }

        protected override void Loop(bool read, PinnedBuffer buffer, long[] lbas, long first, long count)
        {
            nint blk = _blk;
            byte* data = buffer.Pointer;
            long end = first + count;
            fixed (long* l = lbas)
            {
                if (read)
                {
                    for (long i = first; i < end; i++)
                    {
                        if (LibPmemBlk.pmemblk_read(blk, data, l[i]) != 0)
                            LibPmemBlk.ThrowIo("pmemblk_read", l[i]);
                    }
                }
                else
                {
                    for (long i = first; i < end; i++)
                    {
                        if (LibPmemBlk.pmemblk_write(blk, data, l[i]) != 0)
                            LibPmemBlk.ThrowIo("pmemblk_write", l[i]);
                    }
                }
            }
        }

        public override void Dispose()
        {
            LibPmemBlk.pmemblk_close(_blk);
            base.Dispose();
        }
    }
}
