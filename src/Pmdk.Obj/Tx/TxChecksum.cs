// The continuable form of PMDK's Fletcher-like checksum, used for undo entries (PMDK: common/util.c util_checksum_seq).
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Pmdk.Obj.Tx;

/// <summary>Fletcher-like sum of 32-bit little-endian words continued from a previous value.</summary>
internal static class TxChecksum
{
    /// <summary>Continues <paramref name="csum"/> over <paramref name="data"/> (length a multiple of 4). C: <c>util_checksum_seq</c>.</summary>
    public static ulong Seq(ReadOnlySpan<byte> data, ulong csum)
    {
        uint lo = (uint)csum, hi = (uint)(csum >> 32);
        if (BitConverter.IsLittleEndian)
        {
            foreach (uint w in MemoryMarshal.Cast<byte, uint>(data))
            {
                lo += w;
                hi += lo;
            }
        }
        else
        {
            for (int i = 0; i + 4 <= data.Length; i += 4)
            {
                lo += BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
                hi += lo;
            }
        }
        return ((ulong)hi << 32) | lo;
    }
}
