// log_walk_SIZE: full walks of a prefaulted log in SIZE-byte chunks, each copied into DRAM (perf-notes §3.4; PMDK: benchmarks/log.cpp log_process_data).
using Pmdk.Log;
using Pmdk.PmemBench.Native;
using Pmdk.Pool;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// Untimed: a log pool of <c>ENTRIES·SIZE + 8 MiB</c> on /dev/shm (prefaulted) is filled with ENTRIES entries of SIZE
/// bytes (appended 1 MiB at a time: the log bytes are the same as with one append per entry). The last entry differs
/// from the others, so that the DRAM buffer holding it after a walk proves the walk reached the end. Op: one full
/// walk with chunk size SIZE; the callback copies the chunk into a SIZE-byte DRAM buffer and continues. Ours
/// <c>PmemLog.Walk&lt;TVisitor&gt;</c> with a struct visitor (.NET's form of a callback the compiler can inline; the
/// delegate overload wraps the same loop); C <c>pmemlog_walk</c> with a native callback (<see cref="WalkCallback"/>).
/// </summary>
internal sealed unsafe class LogWalkWorkload : Workload
{
    private const int FillPiece = 1 << 20;
    private readonly int _size;
    private readonly long _entries;
    private readonly long _baseWalks;
    private WalkCallback? _callback;

    public LogWalkWorkload(int size, long entries, long baseWalks)
    {
        _size = size;
        _entries = entries;
        _baseWalks = baseWalks;
    }

    public override string Name => $"log_walk_{SizeLabel((ulong)_size)}";

    /// <summary>The log bytes one walk reads (GB/s comment); correct for the full-size runs.</summary>
    public override ulong BytesPerOp => (ulong)(_entries * _size);

    public override long Ops(RunContext context) => context.Ops(_baseWalks, minimum: 2);

    public override int Chunks(long ops) => (int)ops;

    public override ISideRun Prepare(Side side, RunContext context)
    {
        long entries = context.Small ? 4096 : _entries;
        ulong poolSize = (ulong)(entries * _size) + (8UL << 20);
        string path = context.Files.FreshShm($"{Name}.{side}");
        var piece = new PinnedBuffer(Math.Max(FillPiece, _size), j => (byte)(j % _size * 13 + 1));
        var last = new PinnedBuffer(_size, j => (byte)~(j * 13 + 1));
        try
        {
            if (side == Side.Ours)
                return new OursRun(path, poolSize, _size, entries, piece, last);
            _callback ??= new WalkCallback();
            return new CRun(path, poolSize, _size, entries, piece, last, _callback);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>How many bytes of the fill piece the next fill append takes.</summary>
    private static int FillLength(long remainingEntries, int size, int pieceLength) =>
        (int)Math.Min(remainingEntries, pieceLength / size) * size;

    private sealed class OursRun : ISideRun
    {
        private readonly string _path;
        private readonly PmemLog _log;
        private readonly ulong _chunk;
        private readonly byte[] _sink;
        private readonly byte[] _last;

        public OursRun(string path, ulong poolSize, int size, long entries, PinnedBuffer piece, PinnedBuffer last)
        {
            _path = path;
            _chunk = (ulong)size;
            _sink = GC.AllocateArray<byte>(size, pinned: true);
            _last = last.Array;
            _log = PmemLog.Create(path, poolSize, new PoolOptions { IsPmemForce = true, Prefault = true });
            for (long left = entries - 1; left > 0;)
            {
                int n = FillLength(left, size, piece.Length);
                _log.Append(piece.Array.AsSpan(0, n));
                left -= n / size;
            }
            _log.Append(last.Array);
        }

        public string? Note => null;

        public long RunChunk(int step, long first, long count)
        {
            PmemLog log = _log;
            ulong chunk = _chunk;
            var sink = new CopyToSink(_sink);
            _sink.AsSpan().Clear();
            long ticks = ThreadTeam.Run(1, _ =>
            {
                for (long i = 0; i < count; i++)
                    log.Walk(chunk, ref sink);
            });
            if (!_sink.AsSpan().SequenceEqual(_last))
                throw new InvalidOperationException("PmemLog.Walk did not reach the last entry.");
            return ticks;
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
        private readonly int _size;
        private readonly PinnedBuffer _sink;
        private readonly byte[] _last;
        private readonly WalkCallback _callback;

        public CRun(string path, ulong poolSize, int size, long entries, PinnedBuffer piece, PinnedBuffer last, WalkCallback callback)
        {
            _path = path;
            _size = size;
            _sink = new PinnedBuffer(size, _ => 0);
            _last = last.Array;
            _callback = callback;
            _log = LibPmemLog.Create(path, poolSize);
            for (long left = entries - 1; left > 0;)
            {
                int n = FillLength(left, size, piece.Length);
                if (LibPmemLog.pmemlog_append(_log, piece.Pointer, (nuint)n) != 0)
                    LibPmemLog.ThrowAppend();
                left -= n / size;
            }
            if (LibPmemLog.pmemlog_append(_log, last.Pointer, (nuint)size) != 0)
                LibPmemLog.ThrowAppend();
        }

        public string? Note => null;

        public long RunChunk(int step, long first, long count)
        {
            nint log = _log;
            nuint chunk = (nuint)_size;
            byte* sink = _sink.Pointer;
            delegate* unmanaged<void*, nuint, void*, int> callback = _callback.Pointer;
            _sink.Array.AsSpan().Clear();
            long ticks = ThreadTeam.Run(1, _ =>
            {
                for (long i = 0; i < count; i++)
                    LibPmemLog.pmemlog_walk(log, chunk, callback, sink);
            });
            if (!_sink.Array.AsSpan().SequenceEqual(_last))
                throw new InvalidOperationException("pmemlog_walk did not reach the last entry.");
            return ticks;
        }

        public LatencySummary? MeasureLatency(long count) => null;

        public void Dispose()
        {
            LibPmemLog.pmemlog_close(_log);
            File.Delete(_path);
        }
    }

    /// <summary>The walk's work: copy each chunk into the DRAM buffer and go on.</summary>
    private readonly struct CopyToSink(byte[] sink) : ILogChunkVisitor
    {
        public bool Visit(ReadOnlySpan<byte> chunk)
        {
            chunk.CopyTo(sink);
            return true;
        }
    }
}
