// The storage under a BTT: reads, durable writes and zeroing of namespace ranges (PMDK: libpmemblk/btt.h struct ns_callback).
using System.Buffers.Binary;

namespace Pmdk.Blk.Btt;

/// <summary>
/// The byte range a BTT lives in, addressed from 0 to <see cref="Size"/>. Every write is durable when the call
/// returns (PMDK's <c>nswrite</c>/<c>nszero</c>); reads copy out (<c>nsread</c>).
/// </summary>
internal interface IBttNamespace
{
    /// <summary>Size of the namespace in bytes (PMDK's rawsize).</summary>
    ulong Size { get; }

    /// <summary>Copies <c>destination.Length</c> bytes from <paramref name="offset"/>. C: <c>nsread</c>.</summary>
    void Read(ulong offset, Span<byte> destination);

    /// <summary>Reads an aligned little-endian 32-bit value with a single load.</summary>
    uint ReadUInt32(ulong offset);

    /// <summary>Copies <paramref name="source"/> to <paramref name="offset"/> and makes it durable. C: <c>nswrite</c>.</summary>
    void Write(ulong offset, ReadOnlySpan<byte> source);

    /// <summary>
    /// Stores an aligned little-endian 32-bit value with a single store and makes it durable (PMDK's map update:
    /// a store through <c>nsmap</c>, then <c>nssync</c>).
    /// </summary>
    void WriteUInt32(ulong offset, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Write(offset, b);
    }

    /// <summary>Stores an aligned little-endian 64-bit value with a single store and makes it durable (a flog half).</summary>
    void WriteUInt64(ulong offset, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        Write(offset, b);
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="offset"/> and flushes it without the final fence: it is
    /// durable after the next <see cref="Drain"/>. C: <c>nswrite</c> without its <c>pmem_drain</c>.
    /// </summary>
    void WriteNoDrain(ulong offset, ReadOnlySpan<byte> source) => Write(offset, source);

    /// <summary>Stores an aligned little-endian 64-bit value with a single store and flushes it; durable after the next <see cref="Drain"/>.</summary>
    void WriteUInt64NoDrain(ulong offset, ulong value) => WriteUInt64(offset, value);

    /// <summary>Waits until every write flushed by this thread without a drain is durable (a store fence).</summary>
    void Drain()
    {
    }

    /// <summary>Zeroes a range durably. C: <c>nszero</c>.</summary>
    void Zero(ulong offset, ulong length);
}
