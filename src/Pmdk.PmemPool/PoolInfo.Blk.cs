// pmempool info for blk pools: descriptor, BTT info of every arena, statistics (PMDK: tools/pmempool/info_blk.c).
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Pmdk.Blk.Btt;
using Pmdk.Pool;

namespace Pmdk.PmemPool;

public static partial class PoolInfo
{
    /// <summary>Logical offset of the BTT namespace in a blk pool.</summary>
    internal const ulong BlkBttOffset = 8192;

    private static void BlkLines(StringBuilder sb, PoolFiles files, InfoOptions options)
    {
        Span<byte> d = stackalloc byte[8];
        files.Read(4096, d);
        sb.Append("\nPMEM BLK Header:\n");
        Line(sb, "Block size", BinaryPrimitives.ReadUInt32LittleEndian(d).ToString(CultureInfo.InvariantCulture));
        Line(sb, "Is zeroed", BinaryPrimitives.ReadInt32LittleEndian(d[4..]) != 0 ? "true" : "false");
        List<(ulong Offset, BttInfo Info)> arenas = BlkArenas(files);
        if (arenas.Count == 0)
        {
            sb.Append("\n<No BTT layout>\n");
            return;
        }
        byte[] block = new byte[BttLayout.InfoSize];
        for (int a = 0; a < arenas.Count; a++)
        {
            (ulong off, BttInfo info) = arenas[a];
            sb.Append(CultureInfo.InvariantCulture, $"\n[ARENA {a}]\n");
            files.Read(off, block);
            BttInfoLines(sb, "PMEM BLK BTT Info Header:", block);
            if (options.Backup && info.InfoOff != 0 && off + info.InfoOff + (ulong)block.Length <= files.ReplicaSize)
            {
                files.Read(off + info.InfoOff, block);
                sb.Append('\n');
                BttInfoLines(sb, "PMEM BLK BTT Info Header Backup:", block);
            }
        }
        if (options.Stats)
            BlkStats(sb, files, arenas);
    }

    /// <summary>
    /// The arenas as pmempool walks them: none when the first info block is all zero; otherwise from the first,
    /// following <c>nextoff</c> while it is non-zero and stays inside the replica.
    /// </summary>
    internal static List<(ulong Offset, BttInfo Info)> BlkArenas(PoolFiles files)
    {
        var arenas = new List<(ulong, BttInfo)>();
        byte[] block = new byte[BttLayout.InfoSize];
        ulong size = files.ReplicaSize;
        ulong off = BlkBttOffset;
        files.Read(off, block);
        if (block.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            return arenas;
        while (true)
        {
            BttInfo info = BttInfo.Decode(block);
            arenas.Add((off, info));
            if (info.NextOff == 0 || info.NextOff % BttLayout.Alignment != 0 || off + info.NextOff + BttLayout.MinSize > size || arenas.Count > 1 << 20)
                return arenas;
            off += info.NextOff;
            files.Read(off, block);
        }
    }

    private static void BttInfoLines(StringBuilder sb, string title, ReadOnlySpan<byte> block)
    {
        BttInfo info = BttInfo.Decode(block);
        int nul = block[..16].IndexOf((byte)0);
        sb.Append(title).Append('\n');
        Line(sb, "Signature", Encoding.Latin1.GetString(block[..(nul < 0 ? 16 : nul)]));
        Line(sb, "UUID of container", info.ParentUuid.ToString());
        Line(sb, "Flags", $"0x{info.Flags:x}");
        Line(sb, "Major", info.Major.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Minor", info.Minor.ToString(CultureInfo.InvariantCulture));
        Line(sb, "External LBA size", info.ExternalLbaSize.ToString(CultureInfo.InvariantCulture));
        Line(sb, "External LBA count", info.ExternalNlba.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Internal LBA size", info.InternalLbaSize.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Internal LBA count", info.InternalNlba.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Free blocks", info.NFree.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Info block size", info.InfoSize.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Next arena offset", $"0x{info.NextOff:x}");
        Line(sb, "Arena data offset", $"0x{info.DataOff:x}");
        Line(sb, "Area map offset", $"0x{info.MapOff:x}");
        Line(sb, "Area flog offset", $"0x{info.FlogOff:x}");
        Line(sb, "Info block backup offset", $"0x{info.InfoOff:x}");
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(block[BttInfo.ChecksumOffset..]);
        ulong computed = Fletcher64.Compute(block[..BttLayout.InfoSize], BttInfo.ChecksumOffset);
        Line(sb, "Checksum", computed == stored ? $"0x{stored:x} [OK]" : $"0x{stored:x} [wrong! should be: 0x{computed:x}]");
    }

    private static void BlkStats(StringBuilder sb, PoolFiles files, List<(ulong Offset, BttInfo Info)> arenas)
    {
        ulong total = 0, zeroed = 0, error = 0, normal = 0;
        byte[] chunk = new byte[64 * 1024];
        foreach ((ulong off, BttInfo info) in arenas)
        {
            for (uint i = 0; i < info.ExternalNlba;)
            {
                int count = (int)Math.Min((uint)(chunk.Length / 4), info.ExternalNlba - i);
                files.Read(off + info.MapOff + (ulong)i * 4, chunk.AsSpan(0, count * 4));
                for (int k = 0; k < count; k++, i++)
                {
                    uint entry = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(k * 4));
                    total++;
                    if (BttLayout.IsZeroOrInitial(entry))
                        zeroed++;
                    else if (BttLayout.IsError(entry))
                        error++;
                    else
                        normal++;
                }
            }
        }
        sb.Append("\nPMEM BLK Statistics:\n");
        Line(sb, "Total blocks", total.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Zeroed blocks", $"{zeroed} [{Percent(zeroed, total)} %]");
        Line(sb, "Error blocks", $"{error} [{Percent(error, total)} %]");
        Line(sb, "Blocks without flag", $"{normal} [{Percent(normal, total)} %]");
    }

    /// <summary>A percentage as pmempool prints it: whole numbers bare, others with six decimals.</summary>
    internal static string Percent(ulong part, ulong whole)
    {
        double p = whole == 0 ? 0 : 100.0 * part / whole;
        return p == Math.Floor(p) ? p.ToString("0", CultureInfo.InvariantCulture) : p.ToString("F6", CultureInfo.InvariantCulture);
    }
}
