// Line-by-line parser of PMEMPOOLSET files with PMDK's syntax and error cases (PMDK: common/set.c parser_*).
using System.Globalization;

namespace Pmdk.Pool;

public sealed partial class PoolSet
{
    private static readonly char[] Blanks = [' ', '\t'];

    /// <summary>Parses set-file text (spec §5.2). Directories are recognised by looking at the file system.</summary>
    /// <param name="text">The whole file.</param>
    /// <param name="path">The set file path, for messages and the model.</param>
    /// <exception cref="PmemException"><see cref="PmemErrorCode.PoolSetInvalid"/> naming the line and the rule.</exception>
    public static PoolSet Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        if (!text.StartsWith(Signature + "\n", StringComparison.Ordinal))
            throw Error(path, 1, "the first line must be exactly 'PMEMPOOLSET'");

        var options = PoolSetOptions.None;
        var replicas = new List<PoolSetReplica>();
        var parts = new List<PoolSetPart>();
        int replicaLine = 1;
        string? remoteNode = null, remoteSet = null;
        string[] lines = text.Split('\n');
        // A trailing '\n' leaves an empty last element that is not a line.
        int count = lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        for (int i = 1; i < count; i++)
        {
            int lineNo = i + 1;
            string line = lines[i];
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
                line = line[..hash];
            if (line.Length == 0)
                continue;

            if (line.StartsWith("REPLICA", StringComparison.Ordinal))
            {
                string rest = line["REPLICA".Length..];
                string? node = null, set = null;
                if (rest.Length != 0)
                {
                    if (rest[0] is not (' ' or '\t'))
                        throw Error(path, lineNo, $"invalid replica line '{line}' (REPLICA must be followed by a blank or the end of the line)");
                    string[] rt = rest.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
                    if (rt.Length == 1 || rt.Length > 2)
                        throw Error(path, lineNo, "a remote replica needs exactly '<[user@]host> <relative-set-file>'");
                    if (rt.Length == 2)
                    {
                        node = rt[0];
                        set = rt[1];
                        if (set.StartsWith('/'))
                            throw Error(path, lineNo, $"remote set file '{set}' must be a relative path");
                    }
                }
                CloseReplica(path, replicaLine, replicas, parts, remoteNode, remoteSet);
                parts = [];
                remoteNode = node;
                remoteSet = set;
                replicaLine = lineNo;
                continue;
            }

            if (line.StartsWith("OPTION", StringComparison.Ordinal) && (line.Length == 6 || line[6] is ' ' or '\t'))
            {
                string[] names = line[6..].Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
                if (names.Length == 0)
                    throw Error(path, lineNo, "missing option name");
                foreach (string name in names)
                {
                    options |= name switch
                    {
                        "SINGLEHDR" => PoolSetOptions.SingleHeader,
                        "NOHDRS" => PoolSetOptions.NoHeaders,
                        _ => throw Error(path, lineNo, $"unknown option '{name}' (known: SINGLEHDR, NOHDRS)"),
                    };
                }
                continue;
            }

            string[] tokens = line.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length != 2)
                throw Error(path, lineNo, "invalid token found in the current line (expected '<size> <absolute-path>')");
            if (remoteNode is not null)
                throw Error(path, lineNo, "a remote replica cannot have part lines");
            ulong size = ParseSize(tokens[0]) ?? throw Error(path, lineNo, $"incorrect format of size '{tokens[0]}'");
            string partPath = tokens[1];
            if (!partPath.StartsWith('/'))
                throw Error(path, lineNo, $"incorrect path '{partPath}' (must be an absolute one)");
            bool isDir = Directory.Exists(partPath);
            if (parts.Count > 0 && parts[0].IsDirectory != isDir)
                throw Error(path, lineNo, "cannot mix directories and files in one replica");
            if (isDir && parts.Any(p => p.Path == partPath))
                throw Error(path, lineNo, $"directory '{partPath}' appears twice in one replica");
            parts.Add(new PoolSetPart(partPath, size, isDir, lineNo));
        }
        CloseReplica(path, replicaLine, replicas, parts, remoteNode, remoteSet);

        if ((options & PoolSetOptions.SingleHeader) == 0 && replicas.Any(r => r.IsDirectoryBased))
            throw Error(path, 0, "directory parts need 'OPTION SINGLEHDR'");
        return new PoolSet(path, true, options, replicas);
    }

    /// <summary>
    /// Parses a part size: decimal digits, then optionally one case-sensitive suffix
    /// (B, K/KiB, M/MiB, G/GiB, T/TiB, P/PiB, kB, MB, GB, TB, PB). Returns null for 0, junk or overflow.
    /// C: <c>util_parse_size</c>.
    /// </summary>
    public static ulong? ParseSize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int n = 0;
        while (n < text.Length && char.IsAsciiDigit(text[n]))
            n++;
        if (n == 0 || !ulong.TryParse(text.AsSpan(0, n), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
            return null;
        ulong? unit = text[n..] switch
        {
            "" or "B" => 1UL,
            "K" or "KiB" => 1UL << 10,
            "M" or "MiB" => 1UL << 20,
            "G" or "GiB" => 1UL << 30,
            "T" or "TiB" => 1UL << 40,
            "P" or "PiB" => 1UL << 50,
            "kB" => 1_000UL,
            "MB" => 1_000_000UL,
            "GB" => 1_000_000_000UL,
            "TB" => 1_000_000_000_000UL,
            "PB" => 1_000_000_000_000_000UL,
            _ => null,
        };
        if (unit is not { } u || value == 0 || value > ulong.MaxValue / u)
            return null;
        return value * u;
    }

    private static void CloseReplica(string path, int replicaLine, List<PoolSetReplica> replicas,
        List<PoolSetPart> parts, string? remoteNode, string? remoteSet)
    {
        if (remoteNode is null && parts.Count == 0)
        {
            throw Error(path, replicaLine, replicas.Count == 0
                ? "the pool set has no parts (at least one '<size> <path>' line is needed)"
                : $"replica {replicas.Count} has no parts");
        }
        replicas.Add(new PoolSetReplica(parts, remoteNode, remoteSet));
    }

    private static PmemException Error(string path, int line, string message) =>
        new(PmemErrorCode.PoolSetInvalid, line > 0 ? $"invalid pool set file, line {line}: {message}" : $"invalid pool set file: {message}", path);
}
