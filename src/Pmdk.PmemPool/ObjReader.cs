// Bounds-checked reads of an obj pool with pending recovery applied in memory (PMDK: libpmemobj/obj.c pmemobj_check's copy-on-write recovery).
using System.Buffers.Binary;
using Pmdk.Obj.Ulog;

namespace Pmdk.PmemPool;

/// <summary>
/// Reads an obj pool through <see cref="PoolFiles"/>, with the writes that recovery at open would make (committed
/// redo logs, undo snapshots) overlaid in memory, so the checker sees the pool as the next open will. Nothing is written.
/// </summary>
internal sealed class ObjReader(PoolFiles files, ulong size)
{
    private readonly List<(ulong Offset, byte[] Data)> _overlay = [];

    /// <summary>The usable pool size.</summary>
    public ulong Size { get; } = size;

    public bool InRange(ulong offset, ulong length) => offset <= Size && length <= Size - offset;

    /// <summary>Reads bytes (zeros outside the pool) with the overlay applied.</summary>
    public void Read(ulong offset, Span<byte> buffer)
    {
        files.Read(offset, buffer);
        ulong end = offset + (ulong)buffer.Length;
        foreach ((ulong o, byte[] d) in _overlay)
        {
            ulong oEnd = o + (ulong)d.Length;
            if (oEnd <= offset || o >= end)
                continue;
            ulong from = Math.Max(o, offset), to = Math.Min(oEnd, end);
            d.AsSpan((int)(from - o), (int)(to - from)).CopyTo(buffer[(int)(from - offset)..]);
        }
    }

    public byte[] Read(ulong offset, int length)
    {
        byte[] b = new byte[length];
        Read(offset, b);
        return b;
    }

    public T Read<T>(ulong offset) where T : unmanaged
    {
        T value = default;
        Read(offset, System.Runtime.InteropServices.MemoryMarshal.AsBytes(new Span<T>(ref value)));
        return value;
    }

    public ulong Word(ulong offset) => Read<ulong>(offset);

    /// <summary>Records a write recovery would make.</summary>
    public void Overlay(ulong offset, byte[] data) => _overlay.Add((offset, data));

    /// <summary>Applies one redo value entry (SET, AND, OR) to the overlay.</summary>
    public void ApplyValue(ulong word, ulong value)
    {
        ulong target = word & UlogEntry.OffsetMask;
        ulong current = Word(target);
        ulong result = (UlogOperation)(word & UlogEntry.OperationMask) switch
        {
            UlogOperation.And => current & value,
            UlogOperation.Or => current | value,
            _ => value,
        };
        byte[] b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, result);
        Overlay(target, b);
    }
}
