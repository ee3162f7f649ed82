// Pure arithmetic of bad blocks: sysfs text → device ranges → file ranges (PMDK: libpmem2/badblocks_ndctl.c).
using System.Globalization;

namespace Pmdk.Pmem.BadBlocks;

/// <summary>Parsing and translation of bad-block ranges; free of I/O so it is unit-tested with made-up inputs.</summary>
public static class BadBlockTranslation
{
    /// <summary>Sector size of the sysfs <c>badblocks</c> attribute.</summary>
    public const ulong SectorSize = 512;

    /// <summary>
    /// Parses a sysfs <c>badblocks</c> attribute: one "first_sector sector_count" pair per line, in 512-byte sectors.
    /// Malformed lines are a <see cref="PmemException"/>, never silently skipped.
    /// </summary>
    public static List<BadBlock> ParseSysfs(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<BadBlock>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0)
                continue;
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2
                || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong sector)
                || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong count))
                throw new PmemException(PmemErrorCode.InvalidArgument, $"malformed badblocks line '{line}'.", source);
            result.Add(new BadBlock(sector * SectorSize, count * SectorSize));
        }
        return result;
    }

    /// <summary>Shifts device ranges by <paramref name="baseOffset"/> and clips them to [0, size).</summary>
    public static List<BadBlock> Rebase(IEnumerable<BadBlock> blocks, ulong baseOffset, ulong size)
    {
        var result = new List<BadBlock>();
        foreach (BadBlock b in blocks)
        {
            ulong start = Math.Max(b.Offset, baseOffset);
            ulong end = Math.Min(b.Offset + b.Length, baseOffset + size);
            if (start < end)
                result.Add(new BadBlock(start - baseOffset, end - start));
        }
        return result;
    }

    /// <summary>
    /// Maps device bad ranges to file ranges through the file's extents (FIEMAP). Ranges outside the file are dropped;
    /// a range spanning several extents yields one entry per extent.
    /// </summary>
    public static List<BadBlock> ToFileRanges(IEnumerable<BadBlock> deviceBlocks, IReadOnlyList<FileExtent> extents)
    {
        ArgumentNullException.ThrowIfNull(extents);
        var result = new List<BadBlock>();
        foreach (BadBlock b in deviceBlocks)
        {
            foreach (FileExtent e in extents)
            {
                ulong start = Math.Max(b.Offset, e.Physical);
                ulong end = Math.Min(b.Offset + b.Length, e.Physical + e.Length);
                if (start < end)
                    result.Add(new BadBlock(e.Logical + (start - e.Physical), end - start));
            }
        }
        result.Sort((x, y) => x.Offset.CompareTo(y.Offset));
        return result;
    }
}
