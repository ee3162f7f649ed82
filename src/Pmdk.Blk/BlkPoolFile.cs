// Single-file pool plumbing for pmemblk: O_EXCL creation, flock, header write and checks, shutdown state (PMDK: common/set.c util_pool_create/open, shutdown_state.c).
// INTERIM: Pmdk.Pool has the header format but no pool create/open yet; replace this with Pmdk.Pool's pool
// file/poolset opener when it lands (then pool sets work too). Single files only.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Pmdk.Interop;
using Pmdk.Pmem;
using Pmdk.Pool;

namespace Pmdk.Blk;

/// <summary>An open, locked, mapped single-file pool whose header has been checked or written.</summary>
internal sealed class BlkPoolFile : IDisposable
{
    private readonly SafeFileHandle _lock;
    private bool _disposed;

    private BlkPoolFile(string path, SafeFileHandle lockHandle, PmemMapping mapping, PoolHeader header, bool readOnly,
        bool created)
    {
        Path = path;
        _lock = lockHandle;
        Mapping = mapping;
        Header = header;
        ReadOnly = readOnly;
        Created = created;
    }

    public string Path { get; }
    public PmemMapping Mapping { get; }
    public PoolHeader Header { get; }
    public bool ReadOnly { get; }
    public bool Created { get; }

    /// <summary>The usable size: the file size rounded down to 4 KiB (PMDK's repsize).</summary>
    public ulong PoolSize => Mapping.Length & ~4095UL;

    /// <summary>
    /// Creates a pool file. <paramref name="size"/> &gt; 0: the file must not exist and gets exactly that size;
    /// 0: the file must exist with an all-zero header and its size is used. Writes the header (SDS dirty).
    /// </summary>
    public static BlkPoolFile Create(string path, ulong size, PmemBlkOptions options, out bool isZeroed)
    {
        RejectPoolSet(path);
        SafeFileHandle fd;
        bool created = size != 0;
        if (created)
        {
            if (size < BlkDescriptor.MinPool)
                throw new PmemException(PmemErrorCode.InvalidArgument,
                    $"size {size} smaller than {BlkDescriptor.MinPool} (PMEMBLK_MIN_POOL).", path);
            // PMDK creates with mode 0 and chmods at the end; 0600 keeps the file reopenable by a non-root owner.
            fd = OpenFd(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0b110_000_000);
        }
        else
        {
            fd = OpenFd(path, Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        }

        PmemMapping? mapping = null;
        try
        {
            int raw = (int)fd.DangerousGetHandle();
            if (created)
            {
                int err = Libc.posix_fallocate(raw, 0, (long)size);
                if (err != 0)
                    throw PmemIOException.FromErrno(err, path, "posix_fallocate");
            }
            Lock(raw, path);
            if (Libc.fstat(raw, out StatBuf st) != 0)
                throw PmemIOException.FromLastError(path, "fstat");
            if (!st.IsRegular)
                throw new PmemException(PmemErrorCode.InvalidFileType, "not a regular file.", path);
            ulong fileSize = (ulong)st.Size;
            if ((fileSize & ~4095UL) < BlkDescriptor.MinPool)
                throw new PmemException(PmemErrorCode.InvalidArgument,
                    $"size {fileSize} smaller than {BlkDescriptor.MinPool} (PMEMBLK_MIN_POOL).", path);
            if (!created)
            {
                byte[] existing = new byte[PoolHeader.Size];
                if (Libc.pread(raw, ref existing[0], (nuint)existing.Length, 0) != existing.Length)
                    throw PmemIOException.FromLastError(path, "pread");
                if (!PoolHeader.IsZero(existing))
                    throw new PmemException(PmemErrorCode.FileExists, "Non-empty file detected: the pool header is not all zero.", path);
                int err = Libc.posix_fallocate(raw, 0, (long)fileSize);
                if (err != 0)
                    throw PmemIOException.FromErrno(err, path, "posix_fallocate");
            }

            mapping = Pmem.Pmem.MapFile(path, 0, PmemMapFileOptions.None, options.ToMapSettings());
            PoolHeader header = NewHeader((ulong)st.CTimeSec);
            byte[] bytes = new byte[PoolHeader.Size];
            header.WriteTo(bytes);
            mapping.Persistence.Copy(0, bytes);
            isZeroed = created;
            return new BlkPoolFile(path, fd, mapping, header, readOnly: false, created);
        }
        catch
        {
            mapping?.Dispose();
            fd.Dispose();
            if (created)
                _ = Libc.unlink(path);
            throw;
        }
    }

    /// <summary>Opens an existing pool file and runs the header checks of spec §3.10. Nothing is written.</summary>
    /// <param name="path">The pool file.</param>
    /// <param name="options">Options.</param>
    /// <param name="copyOnWrite">Map privately (for checks): stores never reach the file.</param>
    public static BlkPoolFile Open(string path, PmemBlkOptions options, bool copyOnWrite)
    {
        RejectPoolSet(path);
        SafeFileHandle fd = OpenFd(path, (copyOnWrite ? Libc.O_RDONLY : Libc.O_RDWR) | Libc.O_CLOEXEC, 0);
        PmemMapping? mapping = null;
        try
        {
            int raw = (int)fd.DangerousGetHandle();
            Lock(raw, path);
            if (Libc.fstat(raw, out StatBuf st) != 0)
                throw PmemIOException.FromLastError(path, "fstat");
            if (!st.IsRegular)
                throw new PmemException(PmemErrorCode.InvalidFileType, "not a regular file (Device DAX is not supported by PmemBlk yet).", path);
            ulong fileSize = (ulong)st.Size;
            if (fileSize < BlkDescriptor.MinPart)
                throw new PoolCorruptedException(
                    $"file size {fileSize} is smaller than the minimum part size {BlkDescriptor.MinPart}: truncated or not a pool", path);

            if (copyOnWrite)
            {
                using PmemSource source = PmemSource.FromPath(path, writable: false);
                mapping = PmemMapping.Create(source, new PmemConfig
                {
                    Sharing = PmemSharing.Private,
                    Tuning = options.Tuning,
                    PersistenceProvider = options.PersistenceProvider,
                });
            }
            else
            {
                mapping = Pmem.Pmem.MapFile(path, 0, PmemMapFileOptions.None, options.ToMapSettings());
            }

            PoolHeader header = PoolHeader.Read(mapping.GetSpan(0, PoolHeader.Size));
            bool readOnly = header.ValidateForOpen(PoolKind.Blk, path);
            if ((header.Incompat & IncompatFeatures.SingleHeader) != 0)
                throw new PoolCorruptedException(
                    "header field 'incompat' has SINGLEHDR, but the pool is a single file, not a pool set with OPTION SINGLEHDR", path);
            if (header.PrevPartUuid != header.Uuid || header.NextPartUuid != header.Uuid)
                throw new PoolCorruptedException("wrong part UUID: header fields 'prev_part_uuid'/'next_part_uuid' must equal 'uuid' in a single-file pool", path);
            if (header.PrevReplicaUuid != header.Uuid || header.NextReplicaUuid != header.Uuid)
                throw new PoolCorruptedException("wrong replica UUID: header fields 'prev_repl_uuid'/'next_repl_uuid' must equal 'uuid' in a single-file pool", path);
            if ((fileSize & ~4095UL) < BlkDescriptor.MinPool)
                throw new PoolCorruptedException(
                    $"pool size {fileSize & ~4095UL} is smaller than {BlkDescriptor.MinPool} (PMEMBLK_MIN_POOL): truncated file", path);
            if ((header.Incompat & IncompatFeatures.ShutdownState) != 0)
                CheckShutdownState(header.Sds, path);
            return new BlkPoolFile(path, fd, mapping, header, readOnly, created: false);
        }
        catch
        {
            mapping?.Dispose();
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Marks the pool open in the shutdown state (dirty = 1), when the SDS feature is on.</summary>
    public void MarkDirty() => WriteShutdownState(dirty: true);

    /// <summary>chmod of a created file to its final mode. C: <c>util_poolset_chmod</c>.</summary>
    public void SetFinalMode(UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path, mode);
    }

    /// <summary>Flushes everything, marks a clean shutdown, unmaps and unlocks.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            if (!ReadOnly)
            {
                Mapping.DeepFlush(0, Mapping.Length);
                WriteShutdownState(dirty: false);
            }
        }
        finally
        {
            Mapping.Dispose();
            _lock.Dispose();
        }
    }

    /// <summary>Deletes a file this object created (after a failed creation).</summary>
    public void DisposeAndDelete()
    {
        _disposed = true;
        Mapping.Dispose();
        _ = Libc.unlink(Path);
        _lock.Dispose();
    }

    private void WriteShutdownState(bool dirty)
    {
        if ((Header.Incompat & IncompatFeatures.ShutdownState) == 0)
            return;
        ShutdownState sds = ShutdownState.ForPlainFile(dirty);
        Mapping.Persistence.Copy(PoolHeader.SdsOffset, MemoryMarshal.AsBytes(new ReadOnlySpan<ShutdownState>(in sds)));
    }

    /// <summary>
    /// Spec §3.7 step 2 on a plain file (current usc and id sum are 0): only recorded non-zero DIMM values with
    /// dirty = 1 mean an ADR failure; every other state is re-initialized by <see cref="MarkDirty"/>.
    /// </summary>
    private static void CheckShutdownState(in ShutdownState sds, string path)
    {
        if (sds.IsZero || !sds.ChecksumValid)
            return;
        if ((sds.Usc != 0 || sds.Uuid != 0) && sds.Dirty != 0)
            throw new PoolCorruptedException("an ADR failure was detected, the pool might be corrupted (shutdown state)", path);
    }

    private static PoolHeader NewHeader(ulong creationTime)
    {
        var header = new PoolHeader
        {
            Major = PoolKind.Blk.Major,
            Compat = PoolFeatures.DefaultCompat,
            Incompat = PoolFeatures.DefaultIncompat,
            RoCompat = 0,
            PoolsetUuid = Guid.NewGuid(),
            CreationTime = creationTime,
            Arch = ArchFlags.Current,
        };
        header.SetSignature(PoolKind.Blk);
        var uuid = Guid.NewGuid();
        header.Uuid = header.PrevPartUuid = header.NextPartUuid = header.PrevReplicaUuid = header.NextReplicaUuid = uuid;
        header.Sds = ShutdownState.ForPlainFile(dirty: true);
        header.UpdateChecksum();
        return header;
    }

    private static void RejectPoolSet(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            return; // the real open reports the error
        try
        {
            byte[] head = new byte[11];
            if (Libc.pread(fd, ref head[0], (nuint)head.Length, 0) == head.Length && head.AsSpan().SequenceEqual("PMEMPOOLSET"u8))
                throw new PmemException(PmemErrorCode.NotSupported, "pool set files are not supported by PmemBlk yet.", path);
        }
        finally
        {
            _ = Libc.close(fd);
        }
    }

    private static SafeFileHandle OpenFd(string path, int flags, uint mode)
    {
        int fd = Libc.open(path, flags, mode);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno == Errno.EISDIR
                ? new PmemException(PmemErrorCode.InvalidFileType, "is a directory, not a pool file.", path)
                : PmemIOException.FromErrno(errno, path, "open");
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private static void Lock(int fd, string path)
    {
        if (Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
            throw PmemIOException.FromLastError(path, "flock (is the pool open elsewhere?)");
    }
}
