// Pool creation: part files, UUID links, headers in PMDK's order (PMDK: common/set.c util_pool_create, util_header_create).
namespace Pmdk.Pool;

public sealed partial class PoolReplica
{
    /// <summary>
    /// Creates a pool of <paramref name="kind"/>: a single file of <paramref name="poolSize"/> bytes (which must not
    /// exist), an existing file turned into a pool (<paramref name="poolSize"/> 0; its first 4 KiB must be zero), or
    /// the parts of a PMEMPOOLSET file (the size is then taken from the set file). Writes and persists every header;
    /// the caller writes the pool-type descriptor next, at logical offset 4096.
    /// </summary>
    /// <exception cref="PmemException">Sizes below the minimum (<see cref="PmemErrorCode.InvalidArgument"/>), an existing
    /// file (<see cref="PmemErrorCode.FileExists"/>), a non-empty header, an invalid or unsupported set.</exception>
    /// <remarks>C: <c>util_pool_create</c>. On failure the part files this call created are removed.</remarks>
    public static PoolReplica Create(string path, ulong poolSize, PoolKind kind, PoolOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(kind);
        options ??= PoolOptions.Default;

        PoolSet set;
        bool existingSingle = false;
        if (PoolSet.IsPoolSetFile(path))
        {
            set = PoolSet.Load(path);
        }
        else if (poolSize == 0)
        {
            if (!File.Exists(path))
                throw new PmemException(PmemErrorCode.FileNotFound, "pool size 0 needs an existing file to turn into a pool", path);
            set = PoolSet.SingleFile(path, (ulong)new FileInfo(path).Length);
            existingSingle = true;
        }
        else
        {
            set = PoolSet.SingleFile(path, poolSize);
        }
        CheckSupported(set, kind, create: true);
        if (set.Replicas.Count > 1)
            throw new PmemException(PmemErrorCode.NotSupported, "a set with replicas is created replica by replica (CreateReplica)", set.Path);
        return CreateReplica(set, 0, kind, options, null, existingSingle);
    }

    /// <summary>
    /// Creates the parts of replica <paramref name="index"/> and writes their headers, with the UUIDs of
    /// <paramref name="uuids"/> (null: fresh ones, linked as a one-replica set).
    /// </summary>
    internal static PoolReplica CreateReplica(PoolSet set, int index, PoolKind kind, PoolOptions options, ReplicaUuids? uuids,
        bool existingSingle = false)
    {
        List<PoolSetPart> parts = ResolveParts(set, index, kind, create: true);

        foreach (PoolSetPart part in parts)
        {
            if (part.Size < kind.MinPartSize)
            {
                throw new PmemException(PmemErrorCode.InvalidArgument,
                    $"size {part.Size} of part '{part.Path}' is smaller than the minimum part size {kind.MinPartSize}", set.Path);
            }
        }
        var (_, repSize) = ComputeLayout(parts.ConvertAll(p => p.Size), set.SingleHeader);
        if (repSize < kind.MinPoolSize)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"pool size {repSize} smaller than {kind.MinPoolSize} (minimum {kind.Name} pool)", set.Path);

        var files = new List<PoolPartFile>();
        PoolReplica? replica = null;
        try
        {
            foreach (PoolSetPart part in parts)
            {
                bool exists = existingSingle || (set.IsSetFile && File.Exists(part.Path));
                PoolPartFile f = exists ? PoolPartFile.Open(part.Path, allocate: true) : PoolPartFile.Create(part.Path, part.Size);
                files.Add(f);
                if (exists && set.IsSetFile && f.Size != part.Size)
                {
                    throw new PmemException(PmemErrorCode.InvalidArgument,
                        $"file size does not match config: {part.Path}, {f.Size} != {part.Size}", set.Path);
                }
            }
            replica = Map(set, kind, files, options);
            replica.ReplicaIndex = index;
            replica.InitializeHeaders(options, uuids);
            foreach (PoolPartFile f in files)
            {
                if (f.Created)
                    f.Chmod(options.Mode);
            }
            replica.CreatedZeroed = files.TrueForAll(f => f.Created);
            if (options.Prefault)
                replica.Memory.Prefault();
            return replica;
        }
        catch
        {
            if (replica is not null)
            {
                replica._sdsLive = false;
                replica.Dispose();
            }
            else
            {
                foreach (PoolPartFile f in files)
                    f.Dispose();
            }
            foreach (PoolPartFile f in files)
            {
                if (f.Created)
                    File.Delete(f.Path);
            }
            throw;
        }
    }

    /// <summary>Fills in and persists every header (spec §4.2 step 5), after checking that all are still zero.</summary>
    private void InitializeHeaders(PoolOptions options, ReplicaUuids? plan)
    {
        int n = HeaderCount;
        for (int p = 0; p < n; p++)
        {
            if (!PoolHeader.IsZero(HeaderSpan(p)))
                throw new PmemException(PmemErrorCode.FileExists, "Non-empty file detected: the first 4 KiB (pool header) are not zero", _files[p].Path);
        }

        Guid poolsetUuid = plan?.PoolsetUuid ?? Guid.NewGuid();
        var uuids = new Guid[n];
        for (int p = 0; p < n; p++)
            uuids[p] = p == 0 && plan is not null ? plan.Part0[ReplicaIndex] : Guid.NewGuid();
        Guid prevReplica = plan is null ? uuids[0] : plan.Part0[(ReplicaIndex + plan.Part0.Count - 1) % plan.Part0.Count];
        Guid nextReplica = plan is null ? uuids[0] : plan.Part0[(ReplicaIndex + 1) % plan.Part0.Count];
        IncompatFeatures incompat = IncompatFeatures.Checksum2K;
        if (options.ShutdownStateAtCreate)
            incompat |= IncompatFeatures.ShutdownState;
        if (Set.SingleHeader)
            incompat |= IncompatFeatures.SingleHeader;

        for (int p = 0; p < n; p++)
        {
            var h = new PoolHeader();
            h.SetSignature(Kind);
            h.Major = Kind.Major;
            h.Compat = PoolFeatures.DefaultCompat;
            h.Incompat = incompat;
            h.RoCompat = 0;
            h.PoolsetUuid = poolsetUuid;
            h.Uuid = uuids[p];
            h.PrevPartUuid = uuids[(p + n - 1) % n];
            h.NextPartUuid = uuids[(p + 1) % n];
            // Every part links the part 0 of the neighbouring replicas (its own part 0 in a one-replica set).
            h.PrevReplicaUuid = prevReplica;
            h.NextReplicaUuid = nextReplica;
            h.CreationTime = _files[p].CTime();
            h.Arch = ArchFlags.Current;
            if (p == 0 && options.ShutdownStateAtCreate)
                h.Sds = ShutdownState.ForPlainFile(dirty: true);
            h.UpdateChecksum();
            WriteHeader(p, in h);
            if (p == 0)
                Header = h;
        }
        _sdsLive = options.ShutdownStateAtCreate;
    }
}
