// In-memory BTT namespaces for unit tests: a flat array and a sparse page dictionary (for 520 GiB multi-arena layouts).
using System.Buffers.Binary;
using Pmdk.Blk.Btt;

namespace Pmdk.Blk.Tests;

internal sealed class ArrayNamespace(ulong size) : IBttNamespace
{
    public byte[] Bytes { get; } = new byte[size];
    public int Writes { get; private set; }
    public ulong Size => (ulong)Bytes.LongLength;

    public void Read(ulong offset, Span<byte> destination) => Bytes.AsSpan(checked((int)offset), destination.Length).CopyTo(destination);

    public uint ReadUInt32(ulong offset) => BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(checked((int)offset)));

    public void Write(ulong offset, ReadOnlySpan<byte> source)
    {
        Writes++;
        source.CopyTo(Bytes.AsSpan(checked((int)offset)));
    }

    public void Zero(ulong offset, ulong length)
    {
        Writes++;
        Bytes.AsSpan(checked((int)offset), checked((int)length)).Clear();
    }

    public uint U32(ulong offset) => ReadUInt32(offset);

    public void SetU32(ulong offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Bytes.AsSpan(checked((int)offset)), value);
}

internal sealed class SparseNamespace(ulong size) : IBttNamespace
{
    private const int Page = 4096;
    private readonly Dictionary<ulong, byte[]> _pages = [];
    public ulong Size => size;

    public void Read(ulong offset, Span<byte> destination)
    {
        for (int done = 0; done < destination.Length;)
        {
            ulong at = offset + (ulong)done;
            int inPage = (int)(at % Page);
            int n = Math.Min(Page - inPage, destination.Length - done);
            if (_pages.TryGetValue(at / Page, out byte[]? p))
                p.AsSpan(inPage, n).CopyTo(destination[done..]);
            else
                destination.Slice(done, n).Clear();
            done += n;
        }
    }

    public uint ReadUInt32(ulong offset)
    {
        Span<byte> b = stackalloc byte[4];
        Read(offset, b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public void Write(ulong offset, ReadOnlySpan<byte> source)
    {
        for (int done = 0; done < source.Length;)
        {
            ulong at = offset + (ulong)done;
            int inPage = (int)(at % Page);
            int n = Math.Min(Page - inPage, source.Length - done);
            if (!_pages.TryGetValue(at / Page, out byte[]? p))
                _pages[at / Page] = p = new byte[Page];
            source.Slice(done, n).CopyTo(p.AsSpan(inPage));
            done += n;
        }
    }

    public void Zero(ulong offset, ulong length) => throw new NotSupportedException("sparse namespaces are zero-initialized");
}
