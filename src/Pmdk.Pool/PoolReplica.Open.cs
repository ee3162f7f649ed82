// Pool open: sizes, header checks in PMDK's order, UUID links, shutdown state (PMDK: common/set.c util_pool_open, util_header_check).
namespace Pmdk.Pool;

public sealed partial class PoolReplica
{
    /// <summary>
    /// Opens a pool of <paramref name="kind"/> from a pool file or a PMEMPOOLSET file: locks and maps every part and
    /// runs the checks of spec §3.10 before anything is written. Then marks the shutdown state dirty.
    /// </summary>
    /// <exception cref="PoolCorruptedException">A header field is wrong (the message names the file and the field).</exception>
    /// <exception cref="PmemException">Missing files, a locked pool (<see cref="PmemErrorCode.PoolLocked"/>), size mismatches,
    /// an invalid or unsupported set.</exception>
    /// <remarks>C: <c>util_pool_open</c>.</remarks>
    public static PoolReplica Open(string path, PoolKind kind, PoolOptions? options = null) =>
        Open(path, kind, options, null);

    /// <summary>
    /// Opens a pool like <see cref="Open(string, PoolKind, PoolOptions?)"/>, and runs <paramref name="validateDescriptor"/>
    /// (the pool type's descriptor checks) after the header checks but before anything is written, so a refused pool
    /// is left byte-for-byte untouched.
    /// </summary>
    public static PoolReplica Open(string path, PoolKind kind, PoolOptions? options, Action<PoolReplica>? validateDescriptor) =>
        OpenCore(path, kind, options, validateDescriptor, copyOnWrite: false);

    /// <summary>
    /// Opens a pool through a private (copy-on-write) mapping: nothing reaches the files, the shutdown state is not
    /// touched. For consistency checks (C: <c>POOL_OPEN_COW</c>).
    /// </summary>
    public static PoolReplica OpenCopyOnWrite(string path, PoolKind kind, Action<PoolReplica>? validateDescriptor = null) =>
        OpenCore(path, kind, PoolOptions.Default, validateDescriptor, copyOnWrite: true);

    private static PoolReplica OpenCore(string path, PoolKind kind, PoolOptions? options, Action<PoolReplica>? validateDescriptor, bool copyOnWrite)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(kind);
        options ??= PoolOptions.Default;
        if (!File.Exists(path))
        {
            throw Directory.Exists(path)
                ? new PmemException(PmemErrorCode.InvalidFileType, "is a directory, not a pool file", path)
                : new PmemException(PmemErrorCode.FileNotFound, "pool file not found", path);
        }

        PoolSet set = PoolSet.IsPoolSetFile(path) ? PoolSet.Load(path) : PoolSet.SingleFile(path, (ulong)new FileInfo(path).Length);
        CheckSupported(set, kind, create: false);
        return OpenReplica(set, 0, kind, options, validateDescriptor, copyOnWrite);
    }

    /// <summary>
    /// Opens replica <paramref name="index"/> of an already parsed set: locks, maps and checks its headers (the
    /// replica links are checked here only for a one-replica set; see <see cref="CheckReplicaLinks"/>).
    /// </summary>
    internal static PoolReplica OpenReplica(PoolSet set, int index, PoolKind kind, PoolOptions options,
        Action<PoolReplica>? validateDescriptor, bool copyOnWrite, bool validateHeaders = true)
    {
        List<PoolSetPart> parts = ResolveParts(set, index, kind, create: false);

        var files = new List<PoolPartFile>();
        PoolReplica? replica = null;
        try
        {
            foreach (PoolSetPart part in parts)
            {
                if (!File.Exists(part.Path))
                    throw new PmemException(PmemErrorCode.FileNotFound, $"part file '{part.Path}' (line {part.Line}) does not exist", set.Path);
                PoolPartFile f = PoolPartFile.Open(part.Path);
                files.Add(f);
                if (set.IsSetFile && !set.Replicas[index].IsDirectoryBased && f.Size != part.Size)
                {
                    throw new PmemException(PmemErrorCode.InvalidArgument,
                        $"file size does not match config: {part.Path}, {f.Size} != {part.Size}", set.Path);
                }
                if (f.Size < kind.MinPartSize)
                {
                    throw new PoolCorruptedException(
                        $"file is {f.Size} bytes, smaller than the minimum {kind.Name} part size {kind.MinPartSize} (truncated, or not a {kind.Name} pool)",
                        part.Path);
                }
            }
            replica = Map(set, kind, files, options, copyOnWrite);
            replica.ReplicaIndex = index;
            if (!validateHeaders)
                return replica;
            replica.ValidateHeaders();
            validateDescriptor?.Invoke(replica);
            if (!copyOnWrite)
                replica.OpenShutdownState();
            if (options.Prefault)
                replica.Memory.Prefault();
            return replica;
        }
        catch
        {
            if (replica is not null)
                replica.Dispose();
            else
                foreach (PoolPartFile f in files)
                    f.Dispose();
            throw;
        }
    }

    /// <summary>Spec §3.10: per-header checks, then the set-level checks (poolset UUID, part links, features, SINGLEHDR, replica links).</summary>
    private void ValidateHeaders()
    {
        int n = HeaderCount;
        var headers = new PoolHeader[n];
        bool readOnly = false;
        for (int p = 0; p < n; p++)
        {
            headers[p] = PoolHeader.Read(HeaderSpan(p));
            readOnly |= headers[p].ValidateForOpen(Kind, _files[p].Path);
        }
        PoolHeader h0 = headers[0];
        for (int p = 0; p < n; p++)
        {
            PoolHeader h = headers[p];
            string file = _files[p].Path;
            if (h.PoolsetUuid != h0.PoolsetUuid)
                throw new PoolCorruptedException($"wrong pool set UUID: header field 'poolset_uuid' is {h.PoolsetUuid}, part 0 has {h0.PoolsetUuid}", file);
            Guid prev = headers[(p + n - 1) % n].Uuid, next = headers[(p + 1) % n].Uuid;
            if (h.PrevPartUuid != prev)
                throw new PoolCorruptedException($"wrong part UUID: header field 'prev_part_uuid' is {h.PrevPartUuid}, the previous part's uuid is {prev}", file);
            if (h.NextPartUuid != next)
                throw new PoolCorruptedException($"wrong part UUID: header field 'next_part_uuid' is {h.NextPartUuid}, the next part's uuid is {next}", file);
            if (h.Major != h0.Major || h.Compat != h0.Compat || h.Incompat != h0.Incompat || h.RoCompat != h0.RoCompat)
                throw new PoolCorruptedException("incompatible pool parts: header fields 'major'/'compat'/'incompat'/'ro_compat' differ from part 0", file);
            bool singleBit = (h.Incompat & IncompatFeatures.SingleHeader) != 0;
            if (singleBit != Set.SingleHeader)
            {
                throw new PoolCorruptedException(singleBit
                    ? "header field 'incompat' has SINGLEHDR but the pool set has no 'OPTION SINGLEHDR'"
                    : "the pool set has 'OPTION SINGLEHDR' but header field 'incompat' lacks SINGLEHDR", file);
            }
        }
        for (int p = 0; p < n && Set.Replicas.Count == 1; p++)
        {
            if (headers[p].PrevReplicaUuid != h0.Uuid || headers[p].NextReplicaUuid != h0.Uuid)
                throw new PoolCorruptedException("wrong replica UUID: header fields 'prev_repl_uuid'/'next_repl_uuid' do not point at part 0 of the only replica", _files[p].Path);
        }
        Header = h0;
        IsReadOnly = readOnly;
    }

    /// <summary>Spec §3.7 step 2 for plain files (DIMM values 0): detect an ADR failure, else re-initialise and set dirty.</summary>
    private void OpenShutdownState()
    {
        if ((Header.Incompat & IncompatFeatures.ShutdownState) == 0 || IsReadOnly)
            return;
        ShutdownState sds = Header.Sds;
        if (sds.ChecksumValid && sds.Dirty != 0 && (sds.Usc != 0 || sds.Uuid != 0))
            throw new PoolCorruptedException("an ADR failure was detected, the pool might be corrupted (shutdown state: dirty, DIMM counters changed)", _files[0].Path);
        ShutdownState dirty = ShutdownState.ForPlainFile(dirty: true);
        Memory.Write(PoolHeader.SdsOffset, in dirty);
        _sdsLive = true;
    }
}
