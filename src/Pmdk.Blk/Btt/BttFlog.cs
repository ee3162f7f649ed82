// Flog entries and pairs: which entry is current, the 2-bit sequence (PMDK: libpmemblk/btt.c btt_flog_get_valid).
using System.Buffers.Binary;

namespace Pmdk.Blk.Btt;

/// <summary>One 16-byte flog entry (spec §7.8).</summary>
internal readonly record struct BttFlogEntry(uint Lba, uint OldMap, uint NewMap, uint Seq)
{
    public static BttFlogEntry Decode(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(b),
        BinaryPrimitives.ReadUInt32LittleEndian(b[4..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[8..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[12..]));

    public void Encode(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(b, Lba);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], OldMap);
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], NewMap);
        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], Seq);
    }
}

/// <summary>Sequence arithmetic and current-entry selection of a flog pair.</summary>
internal static class BttFlog
{
    /// <summary>The sequence number after <paramref name="seq"/>: 1 → 2 → 3 → 1 (0 → 0).</summary>
    public static uint NextSeq(uint seq) => (seq & 3) switch { 1 => 2, 2 => 3, 3 => 1, _ => 0 };

    /// <summary>
    /// Picks the current entry of a pair. Returns -1 when the pair is inconsistent (equal sequence numbers),
    /// otherwise the index (0 or 1) of the current entry; the other one is written next.
    /// </summary>
    public static int CurrentIndex(in BttFlogEntry e0, in BttFlogEntry e1)
    {
        if (e0.Seq == e1.Seq)
            return -1;
        if (e0.Seq == 0)
            return 1;
        if (e1.Seq == 0)
            return 0;
        return NextSeq(e0.Seq) == e1.Seq ? 1 : 0;
    }
}
