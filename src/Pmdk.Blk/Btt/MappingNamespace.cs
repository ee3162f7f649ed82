// A BTT namespace over a window of a PmemMapping; every store goes through mapping.Persistence (PMDK: libpmemblk/blk.c nsread/nswrite/nszero).
using System.Buffers.Binary;
using Pmdk.Pmem;

namespace Pmdk.Blk.Btt;

/// <summary>The namespace [<c>baseOffset</c>, <c>baseOffset + size</c>) of a mapping.</summary>
internal sealed class MappingNamespace : IBttNamespace
{
    private readonly PmemMapping _mapping;
    private readonly ulong _base;

    public MappingNamespace(PmemMapping mapping, ulong baseOffset, ulong size)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (baseOffset > mapping.Length || size > mapping.Length - baseOffset)
            throw new ArgumentOutOfRangeException(nameof(size), "the namespace does not fit the mapping.");
        _mapping = mapping;
        _base = baseOffset;
        Size = size;
    }

    public ulong Size { get; }

    public void Read(ulong offset, Span<byte> destination)
    {
        Check(offset, (ulong)destination.Length);
        _mapping.GetSpan(_base + offset, destination.Length).CopyTo(destination);
    }

    public uint ReadUInt32(ulong offset)
    {
        Check(offset, 4);
        uint raw = Volatile.Read(ref _mapping.Ref<uint>(_base + offset));
        return BitConverter.IsLittleEndian ? raw : BinaryPrimitives.ReverseEndianness(raw);
    }

    public void Write(ulong offset, ReadOnlySpan<byte> source)
    {
        Check(offset, (ulong)source.Length);
        _mapping.Persistence.Copy(_base + offset, source);
    }

    public void Zero(ulong offset, ulong length)
    {
        Check(offset, length);
        _mapping.Persistence.Fill(_base + offset, 0, length);
    }

    private void Check(ulong offset, ulong length)
    {
        if (offset > Size || length > Size - offset)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"namespace range [{offset}, +{length}) lies past the end of the data area ({Size} bytes).");
    }
}
