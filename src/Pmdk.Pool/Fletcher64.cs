// PMDK's Fletcher-64-like checksum of pool headers, shutdown state and BTT info blocks (PMDK: common/util.c util_checksum).
using System.Buffers.Binary;

namespace Pmdk.Pool;

/// <summary>
/// The checksum PMDK stores in the pool header, the shutdown-state block and the BTT info block:
/// a Fletcher-style sum of 32-bit little-endian words, modulo 2^32 in each half.
/// </summary>
/// <remarks>
/// The 8-byte checksum field, and every word at or past <c>skipFrom</c> when it is non-zero, count as zero
/// words: they add nothing to the low sum but the high sum still absorbs the low sum for each of them
/// (the "CKSUM_2K" variant of the pool header relies on this). C: <c>util_checksum_compute</c>.
/// </remarks>
public static class Fletcher64
{
    /// <summary>Computes the checksum of <paramref name="data"/> with the field at <paramref name="checksumOffset"/> taken as zero.</summary>
    /// <param name="data">The structure; its length must be a multiple of 4.</param>
    /// <param name="checksumOffset">Offset of the 8-byte checksum field inside <paramref name="data"/>.</param>
    /// <param name="skipFrom">When non-zero, every byte from this offset on counts as zero.</param>
    public static ulong Compute(ReadOnlySpan<byte> data, int checksumOffset, int skipFrom = 0)
    {
        if (data.Length % 4 != 0)
            throw new ArgumentException($"length {data.Length} is not a multiple of 4.", nameof(data));
        if ((uint)checksumOffset > (uint)(data.Length - 8) || checksumOffset % 4 != 0)
            throw new ArgumentOutOfRangeException(nameof(checksumOffset));
        int end = skipFrom <= 0 || skipFrom > data.Length ? data.Length : skipFrom & ~3;
        uint lo = 0, hi = 0;
        for (int i = 0; i < end; i += 4)
        {
            if (i != checksumOffset && i != checksumOffset + 4)
                lo += BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i, 4));
            hi += lo;
        }
        // The skipped tail adds zero words: hi absorbs lo once per word.
        hi += lo * (uint)((data.Length - end) / 4);
        return ((ulong)hi << 32) | lo;
    }

    /// <summary>Computes the checksum and stores it little-endian at <paramref name="checksumOffset"/>. C: <c>util_checksum(…, insert=1)</c>.</summary>
    public static ulong Insert(Span<byte> data, int checksumOffset, int skipFrom = 0)
    {
        ulong sum = Compute(data, checksumOffset, skipFrom);
        BinaryPrimitives.WriteUInt64LittleEndian(data.Slice(checksumOffset, 8), sum);
        return sum;
    }

    /// <summary>Whether the stored checksum equals the computed one. C: <c>util_checksum(…, insert=0)</c>.</summary>
    public static bool Verify(ReadOnlySpan<byte> data, int checksumOffset, int skipFrom = 0) =>
        BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(checksumOffset, 8)) == Compute(data, checksumOffset, skipFrom);
}
