// pmempool check: shutdown state, pool headers, then the log, blk or obj steps; optional repair (PMDK: libpmempool/check*.c).
using System.Globalization;
using Pmdk.Log;
using Pmdk.Pool;

namespace Pmdk.PmemPool;

/// <summary>Outcome of a check, with libpmempool's enum values.</summary>
public enum CheckStatus
{
    /// <summary>PMEMPOOL_CHECK_RESULT_CONSISTENT.</summary>
    Consistent = 0,
    /// <summary>PMEMPOOL_CHECK_RESULT_NOT_CONSISTENT.</summary>
    NotConsistent = 1,
    /// <summary>PMEMPOOL_CHECK_RESULT_REPAIRED.</summary>
    Repaired = 2,
    /// <summary>PMEMPOOL_CHECK_RESULT_CANNOT_REPAIR.</summary>
    CannotRepair = 3,
    /// <summary>PMEMPOOL_CHECK_RESULT_ERROR.</summary>
    Error = 4,
}

/// <summary>Options of <see cref="PoolCheck.Run"/> (the flags of <c>pmempool check</c>).</summary>
public sealed class CheckOptions
{
    /// <summary><c>-r</c>: repair what can be repaired.</summary>
    public bool Repair { get; init; }

    /// <summary><c>-d</c>: dry run; report what a repair would do, write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary><c>-a</c>: advanced repairs.</summary>
    public bool Advanced { get; init; }

    /// <summary>obj: the layout name the pool must have (null: any), as <c>pmemobj_check</c>'s argument.</summary>
    public string? Layout { get; init; }

    /// <summary>
    /// <c>-b</c>: before any check step, copy the pool to this path (a single file: a file of the same size, made or
    /// overwritten; a pool set: a pool set file naming new part files of the same sizes). Needs <see cref="Repair"/>
    /// and no <see cref="DryRun"/>, as in libpmempool.
    /// </summary>
    public string? BackupPath { get; init; }
}

/// <summary>A check report: the status and the lines <c>pmempool check -v</c> would print.</summary>
/// <param name="Status">Overall outcome.</param>
/// <param name="Messages">Info and error lines, in order (errors are prefixed <c>error: </c> only by the tool).</param>
public sealed record CheckReport(CheckStatus Status, IReadOnlyList<CheckMessage> Messages)
{
    /// <summary>The exit code <c>pmempool check</c> uses for this status: 0 or 1.</summary>
    public int ExitCode => Status is CheckStatus.Consistent or CheckStatus.Repaired ? 0 : 1;

    /// <summary>Whether the pool is consistent (or was repaired).</summary>
    public bool IsConsistent => Status is CheckStatus.Consistent or CheckStatus.Repaired;

    /// <summary>The problems found (the error lines).</summary>
    public IReadOnlyList<string> Problems => [.. Messages.Where(m => m.IsError).Select(m => m.Text)];
}

/// <summary>One line of a check report.</summary>
/// <param name="IsError">Whether it reports a problem (printed even without <c>-v</c>).</param>
/// <param name="Text">The message.</param>
public sealed record CheckMessage(bool IsError, string Text)
{
    /// <summary>
    /// A problem reported as a plain line even when the check fails with <see cref="CheckStatus.Error"/> (libpmempool's
    /// status messages, e.g. the backup step's), rather than as an <c>error: …</c> line of the tool.
    /// </summary>
    public bool IsStatusLine { get; init; }
}

/// <summary>Consistency check and repair of log pools (and the header steps of any pool type).</summary>
/// <remarks>C: <c>pmempool_check_init</c>/<c>pmempool_check</c>; tool: <c>pmempool check</c>.</remarks>
public static partial class PoolCheck
{
    /// <summary>Runs the check steps of spec §9.2 that apply to the pool at <paramref name="path"/>.</summary>
    public static CheckReport Run(string path, CheckOptions? options = null)
    {
        options ??= new CheckOptions();
        var msgs = new List<CheckMessage>();
        bool write = options.Repair && !options.DryRun;
        PoolFiles files;
        try
        {
            files = PoolFiles.Open(path, write);
        }
        catch (PmemException e)
        {
            msgs.Add(new CheckMessage(true, e.Message));
            return new CheckReport(CheckStatus.Error, msgs);
        }
        using (files)
        {
            if (options.BackupPath is not null && !Backup(files, options, msgs))
                return new CheckReport(CheckStatus.Error, msgs);
            bool repaired = false;
            bool multi = files.HeaderCount > 1;
            PoolHeader h0 = files.ReadHeader(0);

            // Step 3: shutdown state.
            msgs.Add(new CheckMessage(false, "checking shutdown state"));
            if ((h0.Incompat & IncompatFeatures.ShutdownState) == 0 && !h0.Sds.IsZero)
            {
                msgs.Add(new CheckMessage(true, "shutdown state is dirty"));
                if (!options.Repair)
                    return new CheckReport(CheckStatus.NotConsistent, msgs);
                h0.Sds = default;
                if (write)
                    files.WriteHeader(0, in h0);
                repaired = true;
            }
            else
            {
                msgs.Add(new CheckMessage(false, "shutdown state correct"));
            }

            // Step 4: pool headers.
            PoolKind? kind = null;
            for (int p = 0; p < files.HeaderCount; p++)
            {
                string prefix = multi ? string.Create(CultureInfo.InvariantCulture, $"replica 0 part {p}: ") : "";
                msgs.Add(new CheckMessage(false, prefix + "checking pool header"));
                PoolHeader h = files.ReadHeader(p);
                if (PoolHeader.IsZero(PoolHeader.AsBytes(in h)))
                {
                    msgs.Add(new CheckMessage(true, prefix + "empty pool hdr"));
                    return Final(CheckStatus.NotConsistent, options, msgs);
                }
                if (!h.ChecksumValid)
                {
                    msgs.Add(new CheckMessage(true, prefix + "incorrect pool header"));
                    return Final(CheckStatus.NotConsistent, options, msgs);
                }
                kind ??= h.Kind;
                if (h.Kind is null)
                {
                    msgs.Add(new CheckMessage(true, prefix + "invalid signature"));
                    return Final(CheckStatus.NotConsistent, options, msgs);
                }
                msgs.Add(new CheckMessage(false, prefix + "pool header correct"));
            }

            // Step 5: UUID links between the parts of a set.
            if (multi && !CheckLinks(files, msgs))
                return Final(CheckStatus.NotConsistent, options, msgs);

            if (kind == PoolKind.Log)
            {
                CheckStatus s = CheckLog(files, options, write, msgs, ref repaired);
                if (s != CheckStatus.Consistent)
                    return new CheckReport(s, msgs);
            }
            else if (kind == PoolKind.Obj)
            {
                CheckStatus s = ObjCheck.Run(files, options.Layout, msgs);
                if (s != CheckStatus.Consistent)
                    return Final(s, options, msgs);
            }
            else if (kind == PoolKind.Blk)
            {
                CheckStatus s = BlkCheck.Run(files, options, write, msgs, ref repaired);
                if (s != CheckStatus.Consistent)
                    return new CheckReport(s, msgs);
            }
            return new CheckReport(repaired ? CheckStatus.Repaired : CheckStatus.Consistent, msgs);
        }
    }

    private static CheckReport Final(CheckStatus status, CheckOptions options, List<CheckMessage> msgs) =>
        new(options.Repair && status == CheckStatus.NotConsistent ? CheckStatus.CannotRepair : status, msgs);

    private static bool CheckLinks(PoolFiles files, List<CheckMessage> msgs)
    {
        int n = files.HeaderCount;
        var hs = Enumerable.Range(0, n).Select(files.ReadHeader).ToArray();
        for (int p = 0; p < n; p++)
        {
            string prefix = string.Create(CultureInfo.InvariantCulture, $"replica 0 part {p}: ");
            if (hs[p].PoolsetUuid != hs[0].PoolsetUuid)
            {
                msgs.Add(new CheckMessage(true, prefix + "invalid pool_hdr.poolset_uuid"));
                return false;
            }
            if (hs[p].PrevPartUuid != hs[(p + n - 1) % n].Uuid || hs[p].NextPartUuid != hs[(p + 1) % n].Uuid)
            {
                msgs.Add(new CheckMessage(true, prefix + "ambiguous pool_hdr.uuid"));
                return false;
            }
        }
        return true;
    }

    private static CheckStatus CheckLog(PoolFiles files, CheckOptions options, bool write, List<CheckMessage> msgs, ref bool repaired)
    {
        msgs.Add(new CheckMessage(false, "checking pmemlog header"));
        ulong size = files.ReplicaSize;
        ulong start = files.ReadU64((long)LogLayout.StartOffsetField);
        ulong end = files.ReadU64((long)LogLayout.EndOffsetField);
        ulong wr = files.ReadU64((long)LogLayout.WriteOffsetField);
        var problems = new List<(string Field, long Offset, ulong Found, ulong Fixed, string FixText)>();
        if (start != LogLayout.DataStart)
            problems.Add(("start_offset", (long)LogLayout.StartOffsetField, start, LogLayout.DataStart, $"0x{LogLayout.DataStart:x}"));
        if (end != size)
            problems.Add(("end_offset", (long)LogLayout.EndOffsetField, end, size, $"0x{size:x}"));
        if (wr < LogLayout.DataStart || wr > size)
            problems.Add(("write_offset", (long)LogLayout.WriteOffsetField, wr, size, "pmemlog.end_offset")); // repair makes the log full, as PMDK does
        if (problems.Count == 0)
        {
            msgs.Add(new CheckMessage(false, "pmemlog header correct"));
            return CheckStatus.Consistent;
        }
        foreach (var (field, offset, found, value, fixText) in problems)
        {
            msgs.Add(new CheckMessage(true, $"invalid pmemlog.{field}: 0x{found:x}"));
            if (options.Repair)
            {
                msgs.Add(new CheckMessage(false, $"setting pmemlog.{field} to {fixText}"));
                if (write)
                    files.WriteU64(offset, value);
            }
        }
        if (!options.Repair)
            return CheckStatus.NotConsistent;
        repaired = true;
        return CheckStatus.Consistent;
    }
}
