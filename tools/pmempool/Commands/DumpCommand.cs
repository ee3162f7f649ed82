// pmempool dump [-r RANGE] [-c SIZE] [-o FILE] [-b] FILE (PMDK: tools/pmempool/dump.c).
using System.CommandLine;
using System.Globalization;
using Pmdk.PmemPool;

namespace Pmdk.Tools.PmemPool.Commands;

internal static class DumpCommand
{
    public static Command Build()
    {
        var output = new Option<string>("--output", "-o") { Description = "output file name" };
        var binary = new Option<bool>("--binary", "-b") { Description = "dump data in binary format" };
        var range = new Option<string>("--range", "-r") { Description = "range of bytes/blocks/data chunks" };
        var chunk = new Option<string>("--chunk", "-c", "--chunksize") { Description = "size of chunk for PMEMLOG pool" };
        var file = new Argument<string>("file");
        var cmd = new Command("dump", "Dump user data from pool") { output, binary, range, chunk, file };
        cmd.SetAction(r =>
        {
            ulong chunkSize = 0;
            if (r.GetValue(chunk) is { } c)
            {
                long n = AtoLL(c);
                if (n <= 0)
                    return ToolOutput.Fail($"invalid chunk size specified '{c}'");
                chunkSize = (ulong)n;
            }
            var options = new DumpOptions { Range = r.GetValue(range), ChunkSize = chunkSize, Binary = r.GetValue(binary) };
            string? outPath = r.GetValue(output);
            Stream stream;
            try
            {
                stream = outPath is null ? Console.OpenStandardOutput() : File.Create(outPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"pmempool: {outPath}: {e.Message}");
                return 1;
            }
            using (stream)
            {
                var buffered = new BufferedStream(stream, 1 << 16);
                int rc = PoolDump.Run(r.GetValue(file)!, options, buffered, Console.Error);
                buffered.Flush();
                return rc;
            }
        });
        return cmd;
    }

    /// <summary>C's <c>atoll</c>: optional spaces and sign, then the leading decimal digits (none: 0).</summary>
    private static long AtoLL(string s)
    {
        ReadOnlySpan<char> t = s.AsSpan().TrimStart();
        bool neg = false;
        if (t.Length > 0 && (t[0] == '-' || t[0] == '+'))
        {
            neg = t[0] == '-';
            t = t[1..];
        }
        int end = 0;
        while (end < t.Length && char.IsAsciiDigit(t[end]))
            end++;
        if (end == 0)
            return 0;
        long v = long.TryParse(t[..end], NumberStyles.None, CultureInfo.InvariantCulture, out long x) ? x : long.MaxValue;
        return neg ? -v : v;
    }
}
