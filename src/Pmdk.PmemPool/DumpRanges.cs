// Range lists of pmempool dump -r: 'n-m', 'n-', '-m', 'n' separated by commas, with size suffixes (PMDK: tools/pmempool/common.c util_parse_ranges, util_ranges_add, util_parse_size).
using System.Globalization;

namespace Pmdk.PmemPool;

/// <summary>An inclusive range of bytes, blocks or chunks.</summary>
/// <param name="First">First index.</param>
/// <param name="Last">Last index (may be below <paramref name="First"/> after clamping: then it selects nothing).</param>
public readonly record struct DumpRange(ulong First, ulong Last);

/// <summary>
/// Parses <c>-r</c> arguments exactly as <c>pmempool</c> 1.12.1 does, including the order in which it keeps them:
/// overlapping or adjacent ranges merge, and a new range goes right after the first kept range that starts below it
/// (so <c>0,5,10</c> is visited as 0, 10, 5, as Debian's tool prints it).
/// </summary>
public static class DumpRanges
{
    /// <summary>Parses <paramref name="text"/> (null: the whole of <paramref name="entire"/>), or returns null when invalid.</summary>
    /// <remarks>C: <c>util_parse_ranges</c>.</remarks>
    public static List<DumpRange>? Parse(string? text, DumpRange entire)
    {
        var list = new List<DumpRange>();
        if (text is null)
        {
            Add(list, entire);
            return list;
        }
        foreach (string item in text.Split(','))
        {
            if (!TryParseOne(item, entire, out DumpRange r))
                return null;
            Add(list, r);
        }
        return list;
    }

    /// <summary>Adds a range: merges every overlapping or adjacent one into it, then inserts it. C: <c>util_ranges_add</c>.</summary>
    public static void Add(List<DumpRange> list, DumpRange range)
    {
        ArgumentNullException.ThrowIfNull(list);
        ulong first = range.First, last = range.Last;
        for (int i = 0; i < list.Count;)
        {
            DumpRange cur = list[i];
            bool apart = (cur.Last != ulong.MaxValue && cur.Last + 1 < range.First) ||
                (range.Last != ulong.MaxValue && range.Last + 1 < cur.First);
            if (!apart)
            {
                list.RemoveAt(i);
                first = Math.Min(first, cur.First);
                last = Math.Max(last, cur.Last);
            }
            else
            {
                i++;
            }
        }
        var merged = new DumpRange(first, last);
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].First < merged.First)
            {
                list.Insert(i + 1, merged);
                return;
            }
        }
        list.Insert(0, merged);
    }

    private static bool TryParseOne(string s, DumpRange entire, out DumpRange range)
    {
        range = default;
        int dash = s.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 && dash < s.Length - 1)
        {
            // 'n-m' (any order); a second dash makes it invalid.
            string a = s[..dash], b = s[(dash + 1)..];
            if (b.Contains('-', StringComparison.Ordinal) || !TryParseSize(a, out ulong x) || !TryParseSize(b, out ulong y))
                return false;
            range = Limit(new DumpRange(Math.Min(x, y), Math.Max(x, y)), entire);
            return true;
        }
        if (dash > 0 && dash == s.Length - 1)
        {
            if (!TryParseSize(s[..dash], out ulong x))
                return false;
            range = Limit(new DumpRange(x, entire.Last), entire);
            return true;
        }
        if (dash == 0 && s.Length > 1)
        {
            if (s.IndexOf('-', 1) >= 0 || !TryParseSize(s[1..], out ulong y))
                return false;
            range = Limit(new DumpRange(entire.First, y), entire);
            return true;
        }
        if (dash >= 0 || !TryParseSize(s, out ulong n) || n > entire.Last || n < entire.First)
            return false;
        range = Limit(new DumpRange(n, n), entire);
        return true;
    }

    private static DumpRange Limit(DumpRange r, DumpRange limit) =>
        new(Math.Max(r.First, limit.First), Math.Min(r.Last, limit.Last));

    /// <summary>A number with an optional unit (B, K/M/G/T/P, KiB…PiB, kB/KB…PB). C: <c>util_parse_size</c>.</summary>
    public static bool TryParseSize(string text, out ulong size)
    {
        ArgumentNullException.ThrowIfNull(text);
        size = 0;
        string t = text.TrimStart();
        int end = 0;
        while (end < t.Length && char.IsAsciiDigit(t[end]))
            end++;
        if (end == 0 || !ulong.TryParse(t.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture, out ulong n))
            return false;
        string unit = t[end..].Trim();
        ulong mul = unit switch
        {
            "" or "B" => 1,
            "K" or "KiB" => 1UL << 10,
            "M" or "MiB" => 1UL << 20,
            "G" or "GiB" => 1UL << 30,
            "T" or "TiB" => 1UL << 40,
            "P" or "PiB" => 1UL << 50,
            "kB" or "KB" => 1000,
            "MB" => 1000_000,
            "GB" => 1000_000_000,
            "TB" => 1000_000_000_000,
            "PB" => 1000_000_000_000_000,
            _ => 0,
        };
        if (mul == 0)
            return false;
        size = unchecked(n * mul);
        return true;
    }
}
