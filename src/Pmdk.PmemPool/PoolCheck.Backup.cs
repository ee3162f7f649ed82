// pmempool check -b: copy the pool (file or set) to a backup before the repair steps (PMDK: libpmempool/check_backup.c).
using Pmdk.Pool;

namespace Pmdk.PmemPool;

public static partial class PoolCheck
{
    /// <summary>
    /// The backup step, run first. A single file is copied to <see cref="CheckOptions.BackupPath"/>, which may exist
    /// only with the pool's size (it is then overwritten). A pool set is copied part by part into the parts of the
    /// pool set file at the backup path: one replica, as many parts, the same sizes, none existing yet. The copies are
    /// byte for byte, so the backup is the same pool (same UUIDs) as before the repair.
    /// </summary>
    /// <returns>False (with an error message) when the backup cannot be made; the check then stops.</returns>
    private static bool Backup(PoolFiles files, CheckOptions options, List<CheckMessage> msgs)
    {
        string backup = options.BackupPath!;
        if (!options.Repair || options.DryRun)
        {
            msgs.Add(new CheckMessage(true, "a backup needs repair (-r) and no dry run (-d)"));
            return false;
        }
        try
        {
            if (!files.Set.IsSetFile)
                return BackupFile(files, files.PartSize(0), backup, msgs);
            return BackupSet(files, backup, msgs);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PmemException)
        {
            msgs.Add(new CheckMessage(true, "cannot perform backup") { IsStatusLine = true });
            msgs.Add(new CheckMessage(true, e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
                UnauthorizedAccessException => "Permission denied",
                _ => e.Message,
            }));
            return false;
        }
    }

    private static bool BackupFile(PoolFiles files, long size, string backup, List<CheckMessage> msgs)
    {
        if (File.Exists(backup))
        {
            if (new FileInfo(backup).Length != size)
            {
                msgs.Add(new CheckMessage(true, $"destination of the backup does not match the size of the source pool file: {backup}") { IsStatusLine = true });
                return false;
            }
            msgs.Add(new CheckMessage(false, "destination of the backup already exists"));
        }
        else
        {
            msgs.Add(new CheckMessage(false, $"creating backup file: {backup}"));
        }
        CopyPart(files, 0, backup);
        return true;
    }

    private static bool BackupSet(PoolFiles files, string backup, List<CheckMessage> msgs)
    {
        if (!PoolSet.IsPoolSetFile(backup))
        {
            msgs.Add(new CheckMessage(true, $"the backup of a pool set must be a pool set file: {backup}"));
            return false;
        }
        PoolSet target = PoolSet.Load(backup);
        IReadOnlyList<PoolSetPart> parts = target.Replicas[0].Parts;
        if (target.Replicas.Count != 1 || parts.Count != files.Count)
        {
            msgs.Add(new CheckMessage(true, $"the backup pool set must have one replica of {files.Count} part(s): {backup}"));
            return false;
        }
        for (int p = 0; p < parts.Count; p++)
        {
            if (parts[p].IsDirectory || (long)parts[p].Size != files.PartSize(p))
            {
                msgs.Add(new CheckMessage(true, $"part {p} of the backup pool set does not match the size of the source part: {parts[p].Path}"));
                return false;
            }
            if (File.Exists(parts[p].Path))
            {
                msgs.Add(new CheckMessage(true, $"part file of the backup pool set exists: {parts[p].Path}"));
                return false;
            }
        }
        msgs.Add(new CheckMessage(false, $"creating backup file: {backup}"));
        for (int p = 0; p < parts.Count; p++)
            CopyPart(files, p, parts[p].Path);
        return true;
    }

    /// <summary>Copies every byte of a part and makes the copy durable (the pool is repaired in place right after).</summary>
    private static void CopyPart(PoolFiles files, int part, string destination)
    {
        using var to = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None);
        files.CopyPart(part, to);
        to.Flush(flushToDisk: true);
    }
}
