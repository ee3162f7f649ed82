// pmempool dump: the user data of a log pool (in chunks) or of a blk pool (by block), as hex or raw bytes (PMDK: tools/pmempool/dump.c).
using System.Globalization;
using System.Text;
using Pmdk.Blk;
using Pmdk.Log;
using Pmdk.Pool;

namespace Pmdk.PmemPool;

/// <summary>Options of <see cref="PoolDump.Run"/> (the flags of <c>pmempool dump</c>).</summary>
public sealed class DumpOptions
{
    /// <summary><c>-r</c>: ranges of bytes (log), chunks (log with <see cref="ChunkSize"/>) or blocks (blk); null: all.</summary>
    public string? Range { get; init; }

    /// <summary><c>-c</c>: chunk size of a log dump (0: the data as one piece). Log pools only.</summary>
    public ulong ChunkSize { get; init; }

    /// <summary><c>-b</c>: write the raw bytes instead of the hex dump.</summary>
    public bool Binary { get; init; }
}

/// <summary>Dumps the user data of log and blk pools like <c>pmempool dump</c> 1.12.1; obj pools are refused like it does.</summary>
public static class PoolDump
{
    /// <summary>
    /// Writes the dump of <paramref name="path"/> to <paramref name="output"/> and the <c>error: …</c> lines to
    /// <paramref name="error"/>; returns the tool's exit code (0, or 1 after any error).
    /// </summary>
    /// <remarks>C: <c>pmempool dump</c>.</remarks>
    public static int Run(string path, DumpOptions options, Stream output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        (PoolKind? kind, string signature) = ProbeType(path);
        if (kind is not null && kind != PoolKind.Log && options.ChunkSize != 0)
            return Fail(error, $"'--chunk|-c' -- invalid option specified for pool type '{TypeName(kind)}'");
        if (kind is null)
            return Fail(error, $"{path}: unknown pool type -- '{signature}'");
        if (kind == PoolKind.Obj)
            return Fail(error, $"{path}: PMEMOBJ pool not supported");
        bool ok = kind == PoolKind.Log ? DumpLog(path, options, output, error) : DumpBlk(path, options, output, error);
        if (ok)
            return 0;
        return Fail(error, $"{path}: dumping pool file failed");
    }

    private static (PoolKind? Kind, string Signature) ProbeType(string path)
    {
        try
        {
            using PoolFiles files = PoolFiles.Open(path, write: false);
            PoolHeader h = files.ReadHeader(0);
            return (h.Kind, h.SignatureText);
        }
        catch (Exception e) when (e is PmemException or IOException or UnauthorizedAccessException)
        {
            return (null, "");
        }
    }

    private static string TypeName(PoolKind kind) =>
        kind == PoolKind.Log ? "log" : kind == PoolKind.Blk ? "blk" : "obj";

    private static bool DumpLog(string path, DumpOptions options, Stream output, TextWriter error)
    {
        PmemLog log;
        try
        {
            log = PmemLog.Open(path);
        }
        catch (PmemException e)
        {
            error.WriteLine($"pmempool: {path}: {e.Message}");
            return false;
        }
        using (log)
        {
            ulong written = (ulong)log.WriteOffset;
            if (written == 0)
                return true;
            ulong chunk = options.ChunkSize;
            ulong max = written - 1;
            if (chunk != 0)
                max /= chunk;
            List<DumpRange>? ranges = ParseRanges(options.Range, max, error);
            if (ranges is null)
                return false;
            ulong index = 0;
            log.Walk(chunk, data =>
            {
                if (chunk != 0)
                {
                    // A chunk is printed once per range holding its number; a short last chunk never is.
                    foreach (DumpRange r in ranges)
                    {
                        if (index >= r.First && index <= r.Last && chunk <= (ulong)data.Length)
                            Emit(output, data[..(int)chunk], chunk * index, options.Binary);
                    }
                    index++;
                    return true;
                }
                ulong len = (ulong)data.Length;
                foreach (DumpRange r in ranges)
                {
                    if (r.First >= len)
                        continue;
                    ulong last = Math.Min(r.Last, len - 1);
                    if (last < r.First)
                        continue;
                    Emit(output, data.Slice((int)r.First, (int)(last - r.First + 1)), r.First, options.Binary);
                }
                return true;
            });
        }
        return true;
    }

    private static bool DumpBlk(string path, DumpOptions options, Stream output, TextWriter error)
    {
        PmemBlk blk;
        try
        {
            blk = PmemBlk.Open(path);
        }
        catch (PmemException e)
        {
            error.WriteLine($"pmempool: {path}: {e.Message}");
            return false;
        }
        using (blk)
        {
            List<DumpRange>? ranges = ParseRanges(options.Range, (ulong)blk.BlockCount - 1, error);
            if (ranges is null)
                return false;
            bool ok = true;
            byte[] buffer = new byte[blk.BlockSize];
            foreach (DumpRange r in ranges)
            {
                for (ulong i = r.First; i <= r.Last; i++)
                {
                    try
                    {
                        blk.Read((long)i, buffer);
                    }
                    catch (PmemException)
                    {
                        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: reading block number {i} failed"));
                        ok = false;
                        break;
                    }
                    Emit(output, buffer, i * (ulong)buffer.Length, options.Binary);
                    if (i == ulong.MaxValue)
                        break;
                }
            }
            return ok;
        }
    }

    private static List<DumpRange>? ParseRanges(string? text, ulong max, TextWriter error)
    {
        List<DumpRange>? ranges = DumpRanges.Parse(text, new DumpRange(0, max));
        if (ranges is null)
            error.WriteLine($"error: invalid range value specified -- '{text}'");
        return ranges;
    }

    private static void Emit(Stream output, ReadOnlySpan<byte> data, ulong offset, bool binary)
    {
        if (binary)
        {
            output.Write(data);
            return;
        }
        var sb = new StringBuilder();
        HexDump.Append(sb, data, offset);
        output.Write(Encoding.ASCII.GetBytes(sb.ToString()));
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"error: {message}");
        return 1;
    }
}
