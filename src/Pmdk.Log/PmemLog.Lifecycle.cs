// pmemlog create, open and check (PMDK: libpmemlog/log.c pmemlog_create, pmemlog_open, pmemlog_check).
using Pmdk.Pmem;
using Pmdk.Pool;

namespace Pmdk.Log;

public sealed partial class PmemLog
{
    /// <summary>
    /// Creates a log pool. <paramref name="size"/> &gt; 0 creates a new file of exactly that size (at least
    /// <see cref="LogLayout.MinPoolSize"/>); 0 turns an existing file (zero header) into a pool, or creates the parts
    /// of a PMEMPOOLSET file given as <paramref name="path"/>.
    /// </summary>
    /// <exception cref="PmemException">The file exists, the size is too small, the set is invalid or has replicas.</exception>
    /// <remarks>C: <c>pmemlog_create</c>.</remarks>
    public static PmemLog Create(string path, ulong size = LogLayout.MinPoolSize, PoolOptions? options = null)
    {
        PoolReplica replica = PoolReplica.Create(path, size, PoolKind.Log, options);
        try
        {
            PoolMemory m = replica.Memory;
            // Descriptor right after the header (spec §4.2 step 6); the run-time area stays zero.
            m.Persistence.Fill(LogLayout.RuntimeAreaStart, 0, LogLayout.DataStart - LogLayout.RuntimeAreaStart, PmemFlags.NoDrain);
            m.Ref<ulong>(LogLayout.StartOffsetField) = LogLayout.DataStart;
            m.Ref<ulong>(LogLayout.EndOffsetField) = replica.Size;
            m.Ref<ulong>(LogLayout.WriteOffsetField) = LogLayout.DataStart;
            m.Persist(LogLayout.StartOffsetField, 24);
            return new PmemLog(replica);
        }
        catch
        {
            replica.Dispose();
            throw;
        }
    }

    /// <summary>Opens an existing log pool (a file or a PMEMPOOLSET file) after checking the header and the descriptor.</summary>
    /// <exception cref="PoolCorruptedException">A header or descriptor field is invalid; the file is left untouched.</exception>
    /// <exception cref="PmemException">The pool is missing, locked by another opener, or of another type.</exception>
    /// <remarks>C: <c>pmemlog_open</c>.</remarks>
    public static PmemLog Open(string path, PoolOptions? options = null) =>
        new(PoolReplica.Open(path, PoolKind.Log, options, ValidateDescriptor));

    /// <summary>Opens the pool if <paramref name="path"/> exists, otherwise creates it with <paramref name="size"/> bytes.</summary>
    public static PmemLog OpenOrCreate(string path, ulong size = LogLayout.MinPoolSize, PoolOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (PoolSet.IsPoolSetFile(path))
        {
            PoolSet set = PoolSet.Load(path);
            bool exists = set.Replicas[0].Parts.Count > 0 && !set.Replicas[0].IsDirectoryBased && File.Exists(set.Replicas[0].Parts[0].Path);
            return exists ? Open(path, options) : Create(path, 0, options);
        }
        return File.Exists(path) ? Open(path, options) : Create(path, size, options);
    }

    /// <summary>
    /// Checks a log pool without modifying it (copy-on-write mapping). Returns true when consistent, false when the
    /// descriptor is invalid.
    /// </summary>
    /// <exception cref="PmemException">The pool cannot be opened at all (missing, locked, bad header): C returns −1.</exception>
    /// <remarks>C: <c>pmemlog_check</c>.</remarks>
    public static bool Check(string path)
    {
        bool consistent = true;
        using PoolReplica replica = PoolReplica.OpenCopyOnWrite(path, PoolKind.Log, r =>
        {
            PoolMemory m = r.Memory;
            consistent = LogLayout.Validate(m.Read<ulong>(LogLayout.StartOffsetField), m.Read<ulong>(LogLayout.EndOffsetField),
                m.Read<ulong>(LogLayout.WriteOffsetField), r.Size) is null;
        });
        return consistent;
    }

    private static void ValidateDescriptor(PoolReplica replica)
    {
        PoolMemory m = replica.Memory;
        string? error = LogLayout.Validate(m.Read<ulong>(LogLayout.StartOffsetField), m.Read<ulong>(LogLayout.EndOffsetField),
            m.Read<ulong>(LogLayout.WriteOffsetField), replica.Size);
        if (error is not null)
            throw new PoolCorruptedException($"invalid pmemlog descriptor: {error}", replica.Path);
    }
}
