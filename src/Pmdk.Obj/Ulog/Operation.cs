// A redo operation built in DRAM, stored into a lane's redo ulog, applied and cleared (PMDK: libpmemobj/memops.c).
using System.Buffers.Binary;
using Pmdk.Pool;

namespace Pmdk.Obj.Ulog;

/// <summary>
/// A fail-safe group of 8-byte updates: entries are collected in DRAM, stored with a checksum into the lane's
/// redo ulog (the commit point), applied, then the log header is cleared (spec §4.5). One instance per lane and
/// log; reused, no allocation per operation.
/// </summary>
internal sealed partial class Operation
{
    private readonly ObjMemory _pool;
    private readonly ulong _ulogOffset;
    private readonly int _capacity;
    private byte[] _buffer;
    private int _count;

    public Operation(ObjMemory pool, ulong ulogOffset, int capacity)
    {
        _pool = pool;
        _ulogOffset = ulogOffset;
        _capacity = capacity;
        _buffer = new byte[UlogHeader.Size + capacity];
    }

    /// <summary>Number of entries collected.</summary>
    public int Count => _count;

    /// <summary>Forgets collected entries. C: <c>operation_start</c>.</summary>
    public void Start() => _count = 0;

    /// <summary>Adds a SET/AND/OR of the u64 at <paramref name="offset"/>. C: <c>operation_add_entry</c>.</summary>
    public void Add(ulong offset, ulong value, UlogOperation op)
    {
        int pos = UlogHeader.Size + _count * UlogValueEntry.Size;
        if (pos + UlogValueEntry.Size > _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2); // beyond the lane's log: extensions at Process
        Span<byte> e = _buffer.AsSpan(pos, UlogValueEntry.Size);
        BinaryPrimitives.WriteUInt64LittleEndian(e, offset | (ulong)op);
        BinaryPrimitives.WriteUInt64LittleEndian(e[8..], value);
        _count++;
    }

    /// <summary>
    /// Makes all entries durable and applied, atomically: a single entry is one atomic 8-byte store; more are
    /// stored in the redo log first. C: <c>operation_process</c> + <c>operation_finish</c>.
    /// </summary>
    /// <param name="extender">Allocates redo extensions when the entries exceed the lane's log; null = they must fit.</param>
    public void Process(IUlogExtender? extender = null)
    {
        if (_count == 0)
            return;
        if (_count == 1)
        {
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(UlogHeader.Size));
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(UlogHeader.Size + 8));
            ApplyValue(_pool, word, value);
            _pool.Drain();
            _count = 0;
            return;
        }
        int n = _count * UlogValueEntry.Size;
        if (n > _capacity)
        {
            ProcessChained(n, extender ?? throw new InvalidOperationException(
                $"redo log full: more than {_capacity / UlogValueEntry.Size} entries in one operation."));
            return;
        }
        int stored = n == _capacity ? n : Math.Min(_capacity, (n + 8 + 63) & ~63);
        Span<byte> log = _buffer.AsSpan(0, UlogHeader.Size + stored);
        log[(UlogHeader.Size + n)..].Clear();
        ulong next = _pool.Word(_ulogOffset + 8);
        log[..UlogHeader.Size].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(log[8..], next);
        BinaryPrimitives.WriteUInt64LittleEndian(log[16..], (ulong)stored);
        ulong sum = Fletcher64.Compute(log[..(UlogHeader.Size + n)], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(log, sum);
        // The commit point: header and entries land together and become valid through the checksum.
        _pool.Persistence.Copy(_ulogOffset, log);
        for (int i = 0; i < _count; i++)
        {
            int pos = UlogHeader.Size + i * UlogValueEntry.Size;
            ApplyValue(_pool, BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(pos)),
                BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(pos + 8)));
        }
        _pool.Drain();
        RedoLog.Clear(_pool, _ulogOffset);
        _count = 0;
    }

    /// <summary>Applies one value entry to the pool and flushes its word (no drain).</summary>
    internal static void ApplyValue(ObjMemory pool, ulong word, ulong value)
    {
        ulong target = word & UlogEntry.OffsetMask;
        pool.CheckRange(target, 8, "ulog entry offset");
        ref ulong dst = ref pool.Word(target);
        switch (word & UlogEntry.OperationMask)
        {
            case (ulong)UlogOperation.Set:
                Volatile.Write(ref dst, value);
                break;
            // Atomic: threads of different arenas may update bits of one run's bitmap word at the same time.
            case (ulong)UlogOperation.And:
                Interlocked.And(ref dst, value);
                break;
            case (ulong)UlogOperation.Or:
                Interlocked.Or(ref dst, value);
                break;
            default:
                throw new PoolCorruptedException($"ulog entry at target 0x{target:x} has an invalid operation 0x{word >> 61:x}", pool.Path);
        }
        pool.Flush(target, 8);
    }
}
