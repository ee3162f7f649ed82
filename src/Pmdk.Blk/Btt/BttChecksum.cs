// PMDK's Fletcher64-like checksum, as used by the BTT info block (PMDK: common/util.c util_checksum).
// TODO(pool merge): switch to Pmdk.Pool's Fletcher64 once branch `pool` lands; kept here so the BTT is standalone.
using System.Buffers.Binary;

namespace Pmdk.Blk.Btt;

/// <summary>The checksum of spec §2: 32-bit words, the checksum field and bytes from <c>skipFrom</c> count as zero.</summary>
internal static class BttChecksum
{
    /// <summary>Computes the checksum of <paramref name="data"/> (length a multiple of 4).</summary>
    /// <param name="data">The whole structure.</param>
    /// <param name="checksumOffset">Offset of the 8-byte checksum field (counts as zero).</param>
    /// <param name="skipFrom">When non-zero, every word at or after this offset counts as zero.</param>
    public static ulong Compute(ReadOnlySpan<byte> data, int checksumOffset, int skipFrom = 0)
    {
        uint lo = 0, hi = 0;
        int end = skipFrom == 0 ? data.Length : Math.Min(skipFrom, data.Length);
        for (int i = 0; i < data.Length; i += 4)
        {
            if (i < end && (i < checksumOffset || i >= checksumOffset + 8))
                lo += BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i, 4));
            hi += lo;
        }
        return ((ulong)hi << 32) | lo;
    }

    /// <summary>Whether the stored checksum matches.</summary>
    public static bool Verify(ReadOnlySpan<byte> data, int checksumOffset, int skipFrom = 0) =>
        BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(checksumOffset, 8)) == Compute(data, checksumOffset, skipFrom);

    /// <summary>Computes and stores the checksum.</summary>
    public static void Store(Span<byte> data, int checksumOffset, int skipFrom = 0) =>
        BinaryPrimitives.WriteUInt64LittleEndian(data.Slice(checksumOffset, 8), Compute(data, checksumOffset, skipFrom));
}
