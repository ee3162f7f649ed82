// The canonical hex+ASCII dump pmempool prints: offset, 16 bytes in two groups of 8, printable characters, '*' for repeated rows (PMDK: tools/pmempool/output.c outv_hexdump).
using System.Globalization;
using System.Text;

namespace Pmdk.PmemPool;

/// <summary>Formats bytes like <c>pmempool dump</c> and <c>pmempool info -d</c> do.</summary>
public static class HexDump
{
    private const int RowWidth = 16;
    private const int HexColumn = 50; // 16 × "xx " plus the extra space after the 8th byte, padded

    /// <summary>
    /// Appends the rows of <paramref name="data"/>, numbering them from <paramref name="offset"/>. A row equal to the
    /// last printed one becomes a single <c>*</c> line, except for the first and the last row.
    /// </summary>
    /// <remarks>C: <c>outv_hexdump</c> (without separator).</remarks>
    public static void Append(StringBuilder sb, ReadOnlySpan<byte> data, ulong offset)
    {
        ArgumentNullException.ThrowIfNull(sb);
        int curr = 0, prev = 0;
        bool repeated = false;
        int len = data.Length;
        while (len > 0)
        {
            int n = Math.Min(len, RowWidth);
            if (len != n && curr != 0 && data.Slice(prev, n).SequenceEqual(data.Slice(curr, n)))
            {
                if (!repeated)
                {
                    sb.Append("*\n");
                    repeated = true;
                }
            }
            else
            {
                repeated = false;
                Row(sb, data.Slice(curr, n), offset + (ulong)curr);
                prev = curr;
            }
            len -= n;
            curr += n;
        }
    }

    private static void Row(StringBuilder sb, ReadOnlySpan<byte> row, ulong at)
    {
        sb.Append(at.ToString("x8", CultureInfo.InvariantCulture)).Append("  ");
        int start = sb.Length;
        for (int i = 0; i < row.Length; i++)
        {
            if (i != 0 && i % 8 == 0)
                sb.Append(' ');
            sb.Append(row[i].ToString("x2", CultureInfo.InvariantCulture)).Append(' ');
        }
        sb.Append(' ', HexColumn - (sb.Length - start));
        sb.Append('|');
        foreach (byte b in row)
            sb.Append(b is >= 0x20 and <= 0x7e ? (char)b : '.');
        sb.Append(' ', RowWidth - row.Length);
        sb.Append("|\n");
    }
}
