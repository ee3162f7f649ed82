// A BTT namespace over a window of a pool's logical space; every store goes through its Persistence (PMDK: libpmemblk/blk.c nsread/nswrite/nszero).
using System.Buffers.Binary;
using Pmdk.Pmem;
using Pmdk.Pmem.Persistence;
using Pmdk.Pool;

namespace Pmdk.Blk.Btt;

/// <summary>The namespace [<c>baseOffset</c>, <c>baseOffset + size</c>) of a pool (all parts, mapped contiguously).</summary>
/// <remarks>
/// Every access checks its range against the namespace once; the pool memory and the persistence check theirs
/// again (cheap compares), so a BTT bug cannot touch memory outside the pool.
/// </remarks>
internal sealed class PoolMemoryNamespace : IBttNamespace
{
    private readonly PoolMemory _memory;
    private readonly IPersistence _persistence;
    private readonly ulong _base;

    public PoolMemoryNamespace(PoolMemory memory, ulong baseOffset, ulong size)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (baseOffset > memory.Length || size > memory.Length - baseOffset)
            throw new ArgumentOutOfRangeException(nameof(size), "the namespace does not fit the pool.");
        _memory = memory;
        _persistence = memory.Persistence;
        _base = baseOffset;
        Size = size;
    }

    public ulong Size { get; }

    public void Read(ulong offset, Span<byte> destination)
    {
        Check(offset, (ulong)destination.Length);
        BlockCopy.Copy(_memory.GetSpan(_base + offset, destination.Length), destination);
    }

    public uint ReadUInt32(ulong offset)
    {
        Check(offset, 4);
        uint raw = Volatile.Read(ref _memory.Ref<uint>(_base + offset));
        return BitConverter.IsLittleEndian ? raw : BinaryPrimitives.ReverseEndianness(raw);
    }

    public void Write(ulong offset, ReadOnlySpan<byte> source)
    {
        Check(offset, (ulong)source.Length);
        _persistence.Copy(_base + offset, source);
    }

    public void WriteNoDrain(ulong offset, ReadOnlySpan<byte> source)
    {
        Check(offset, (ulong)source.Length);
        _persistence.Copy(_base + offset, source, PmemFlags.NoDrain);
    }

    public void WriteUInt64NoDrain(ulong offset, ulong value)
    {
        Check(offset, 8);
        ulong at = _base + offset;
        Volatile.Write(ref _memory.Ref<ulong>(at), BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        _persistence.Flush(at, 8);
    }

    public void Drain() => _persistence.Drain();

    public void WriteUInt32(ulong offset, uint value)
    {
        Check(offset, 4);
        ulong at = _base + offset;
        Volatile.Write(ref _memory.Ref<uint>(at), BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        _persistence.Persist(at, 4);
    }

    public void WriteUInt64(ulong offset, ulong value)
    {
        Check(offset, 8);
        ulong at = _base + offset;
        Volatile.Write(ref _memory.Ref<ulong>(at), BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        _persistence.Persist(at, 8);
    }

    public void Zero(ulong offset, ulong length)
    {
        Check(offset, length);
        _persistence.Fill(_base + offset, 0, length);
    }

    private void Check(ulong offset, ulong length)
    {
        if (offset > Size || length > Size - offset)
            ThrowOutOfRange(offset, length);
    }

    private void ThrowOutOfRange(ulong offset, ulong length) =>
        throw new ArgumentOutOfRangeException(nameof(offset),
            $"namespace range [{offset}, +{length}) lies past the end of the data area ({Size} bytes).");
}
