// pmempool rm: remove a pool file or every part of a pool set (PMDK: libpmempool/rm.c pmempool_rm).
using Pmdk.Pool;

namespace Pmdk.PmemPool;

/// <summary>Removes pools. C: <c>pmempool_rm</c>.</summary>
public static class PoolRemove
{
    /// <summary>
    /// Removes <paramref name="path"/>: a pool file, or the parts of a pool set and then (unless
    /// <paramref name="onlyPools"/>) the set file itself. Returns the removed paths.
    /// </summary>
    /// <param name="path">A pool file or a set file.</param>
    /// <param name="force">Ignore missing files (<c>-f</c>).</param>
    /// <param name="onlyPools">Keep the set file (<c>-s</c>).</param>
    /// <exception cref="PmemException">A file is missing (without <paramref name="force"/>) or cannot be removed.</exception>
    public static IReadOnlyList<string> Remove(string path, bool force = false, bool onlyPools = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var removed = new List<string>();
        if (!File.Exists(path))
        {
            if (force)
                return removed;
            throw new PmemException(PmemErrorCode.FileNotFound, "No such file or directory", path);
        }
        if (PoolSet.IsPoolSetFile(path))
        {
            PoolSet set = PoolSet.Load(path);
            foreach (PoolSetReplica replica in set.Replicas)
            {
                foreach (PoolSetPart part in replica.Parts)
                {
                    if (part.IsDirectory)
                    {
                        foreach (string f in Directory.EnumerateFiles(part.Path, "??????.pmem"))
                            Delete(f, force, removed);
                    }
                    else
                    {
                        Delete(part.Path, force, removed);
                    }
                }
            }
            if (!onlyPools)
                Delete(path, force, removed);
        }
        else
        {
            Delete(path, force, removed);
        }
        return removed;
    }

    private static void Delete(string file, bool force, List<string> removed)
    {
        if (!File.Exists(file))
        {
            if (force)
                return;
            throw new PmemException(PmemErrorCode.FileNotFound, "cannot remove: No such file or directory", file);
        }
        try
        {
            File.Delete(file);
            removed.Add(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PmemException(PmemErrorCode.AccessDenied, $"cannot remove: {e.Message}", file, e);
        }
    }
}
