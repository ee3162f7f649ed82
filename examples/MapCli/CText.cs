// C library text conversions the CLI relies on: atoi and sscanf("%" SCNu64) (PMDK: mapcli.c argument parsing).
namespace Pmdk.Examples.MapCli;

/// <summary>C-compatible number parsing.</summary>
public static class CText
{
    /// <summary>C's <c>atoi</c>: leading blanks, optional sign, decimal digits; 0 when none (wraps like glibc's strtol cast to int).</summary>
    public static int Atoi(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int i = 0;
        while (i < text.Length && IsSpace(text[i]))
            i++;
        bool negative = false;
        if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            negative = text[i++] == '-';
        long value = 0;
        for (; i < text.Length && char.IsAsciiDigit(text[i]); i++)
            value = Math.Min(value * 10 + (text[i] - '0'), (long)int.MaxValue + 1);
        return unchecked((int)(negative ? -value : value));
    }

    /// <summary>
    /// <c>sscanf(text, "%" SCNu64, &amp;value) &gt; 0</c>: blanks, optional sign, decimal digits; a minus negates modulo 2^64,
    /// overflow saturates at 2^64-1 (strtoull).
    /// </summary>
    public static bool TryScanU64(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        int i = 0;
        while (i < text.Length && IsSpace(text[i]))
            i++;
        bool negative = false;
        if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            negative = text[i++] == '-';
        int start = i;
        bool overflow = false;
        for (; i < text.Length && char.IsAsciiDigit(text[i]); i++)
        {
            ulong digit = (ulong)(text[i] - '0');
            if (value > (ulong.MaxValue - digit) / 10)
                overflow = true;
            else
                value = value * 10 + digit;
        }
        if (i == start)
            return false;
        if (overflow)
            value = ulong.MaxValue;
        else if (negative)
            value = unchecked(0 - value);
        return true;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}
