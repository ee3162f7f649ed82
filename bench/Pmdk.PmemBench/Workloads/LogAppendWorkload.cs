// log_append_SIZE and log_appendv: timed appends to a prefaulted log pool (perf-notes §3.4; PMDK: benchmarks/log.cpp).
using Pmdk.Log;
using Pmdk.PmemBench.Native;
using Pmdk.Pool;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// A log pool of <c>max(2 MiB, OPS·bytes + 8 MiB)</c> on /dev/shm (OPS per round), prefaulted. Op: one append of
/// SIZE bytes (or one appendv of <c>vectors</c> × SIZE) from a DRAM buffer whose byte j is <c>(byte)(j*13+1)</c>.
/// Several rounds rewind the log (untimed) between them. Ours <c>PmemLog.Append</c>/<c>AppendV</c>; C
/// <c>pmemlog_append</c>/<c>pmemlog_appendv</c>.
/// </summary>
internal sealed unsafe class LogAppendWorkload : Workload
{
    private readonly int _size;
    private readonly int _vectors;
    private readonly long _baseOps;
    private readonly int _rounds;

    public LogAppendWorkload(int size, int vectors, long baseOpsPerRound, int rounds)
    {
        _size = size;
        _vectors = vectors;
        _baseOps = baseOpsPerRound;
        _rounds = rounds;
    }

    public override string Name => _vectors == 1 ? $"log_append_{SizeLabel((ulong)_size)}" : "log_appendv";

    public override ulong BytesPerOp => (ulong)(_size * _vectors);

    /// <summary>Ops of one round.</summary>
    public override long Ops(RunContext context) => context.Ops(_baseOps);

    public override IReadOnlyList<Step> Steps(RunContext context)
    {
        long ops = Ops(context);
        return [.. Enumerable.Range(0, _rounds).Select(r => new Step(r, 0, ops, ops, Chunks(ops)))];
    }

    public override ISideRun Prepare(Side side, RunContext context)
    {
        ulong poolSize = Math.Max(LogLayout.MinPoolSize, (ulong)Ops(context) * BytesPerOp + (8UL << 20));
        string path = context.Files.FreshShm($"{Name}.{side}");
        var buffer = new PinnedBuffer((int)BytesPerOp, j => (byte)(j * 13 + 1));
        try
        {
            return side == Side.Ours ? new OursRun(path, poolSize, buffer, _size, _vectors) : new CRun(path, poolSize, buffer, _size, _vectors);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private sealed class OursRun : ISideRun
    {
        private readonly string _path;
        private readonly PmemLog _log;
        private readonly byte[] _data;
        private readonly ReadOnlyMemory<byte>[] _vectors;

        public OursRun(string path, ulong poolSize, PinnedBuffer buffer, int size, int vectors)
        {
            _path = path;
            _log = PmemLog.Create(path, poolSize, new PoolOptions { IsPmemForce = true, Prefault = true });
            _data = buffer.Array;
            _vectors = [.. Enumerable.Range(0, vectors).Select(v => new ReadOnlyMemory<byte>(buffer.Array, v * size, size))];
        }

        public string? Note => null;

        public long RunChunk(int step, long first, long count)
        {
            if (first == 0 && step > 0)
                _log.Rewind();
            PmemLog log = _log;
            return ThreadTeam.Run(1, _ =>
            {
                if (_vectors.Length == 1)
                {
                    ReadOnlySpan<byte> data = _data;
                    for (long i = 0; i < count; i++)
                        log.Append(data);
                }
                else
                {
                    ReadOnlySpan<ReadOnlyMemory<byte>> vectors = _vectors;
                    for (long i = 0; i < count; i++)
                        log.AppendV(vectors);
                }
            });
        }

        public LatencySummary? MeasureLatency(long count) => null;

        public void Dispose()
        {
            _log.Dispose();
            File.Delete(_path);
        }
    }

    private sealed class CRun : ISideRun
    {
        private readonly string _path;
        private readonly nint _log;
        private readonly PinnedBuffer _buffer;
        private readonly IoVec* _iov;
        private readonly int _vectors;

        public CRun(string path, ulong poolSize, PinnedBuffer buffer, int size, int vectors)
        {
            _path = path;
            _buffer = buffer;
            _vectors = vectors;
            _iov = (IoVec*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)vectors, (nuint)sizeof(IoVec));
            for (int v = 0; v < vectors; v++)
                _iov[v] = new IoVec { Base = buffer.Pointer + v * size, Length = (nuint)size };
            _log = LibPmemLog.Create(path, poolSize);
        }

        public string? Note => null;

        public long RunChunk(int step, long first, long count)
        {
            if (first == 0 && step > 0)
                LibPmemLog.pmemlog_rewind(_log);
            nint log = _log;
            byte* data = _buffer.Pointer;
            nuint length = (nuint)_buffer.Length;
            IoVec* iov = _iov;
            int vectors = _vectors;
            return ThreadTeam.Run(1, _ =>
            {
                if (vectors == 1)
                {
                    for (long i = 0; i < count; i++)
                    {
                        if (LibPmemLog.pmemlog_append(log, data, length) != 0)
                            LibPmemLog.ThrowAppend();
                    }
                }
                else
                {
                    for (long i = 0; i < count; i++)
                    {
                        if (LibPmemLog.pmemlog_appendv(log, iov, vectors) != 0)
                            LibPmemLog.ThrowAppend();
                    }
                }
            });
        }

        public LatencySummary? MeasureLatency(long count) => null;

        public void Dispose()
        {
            LibPmemLog.pmemlog_close(_log);
            System.Runtime.InteropServices.NativeMemory.Free(_iov);
            File.Delete(_path);
        }
    }
}
