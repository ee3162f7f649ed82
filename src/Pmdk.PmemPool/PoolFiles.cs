// Raw, locked access to a pool's part files for the tools, without the library's open checks (PMDK: libpmempool/pool.c pool_params_parse).
using Microsoft.Win32.SafeHandles;
using Pmdk.Interop;
using Pmdk.Pool;

namespace Pmdk.PmemPool;

/// <summary>
/// The part files of a pool (single file or set), opened and locked with <c>flock(LOCK_EX|LOCK_NB)</c> as pmempool
/// does, read and written by offset. Nothing is validated: the tools report what they find.
/// </summary>
internal sealed class PoolFiles : IDisposable
{
    private readonly List<(string Path, SafeFileHandle Handle, long Size)> _parts = [];
    private ulong[]? _spans;

    private PoolFiles(PoolSet set) => Set = set;

    public PoolSet Set { get; }

    public int Count => _parts.Count;

    public string PartPath(int p) => _parts[p].Path;

    public long PartSize(int p) => _parts[p].Size;

    /// <summary>The usable replica size (spec §5.4).</summary>
    public ulong ReplicaSize => PoolReplica.ComputeLayout(_parts.ConvertAll(p => (ulong)p.Size), Set.SingleHeader).ReplicaSize;

    public int HeaderCount => Set.SingleHeader ? 1 : _parts.Count;

    public static PoolFiles Open(string path, bool write)
    {
        if (!File.Exists(path))
            throw new PmemException(PmemErrorCode.FileNotFound, "No such file or directory", path);
        PoolSet set = PoolSet.IsPoolSetFile(path) ? PoolSet.Load(path) : PoolSet.SingleFile(path, (ulong)new FileInfo(path).Length);
        if (set.Replicas[0].IsRemote)
            throw new PmemException(PmemErrorCode.NotSupported, "remote replicas are not supported", path);
        var files = new PoolFiles(set);
        try
        {
            foreach (PoolSetPart part in set.Replicas[0].Parts)
            {
                if (part.IsDirectory)
                    throw new PmemException(PmemErrorCode.NotSupported, "directory-based pool sets are not supported by this tool yet", path);
                // libc open, not File.OpenHandle: .NET would take its own LOCK_SH and fail on a locked pool.
                int fd = Libc.open(part.Path, (write ? Libc.O_RDWR : Libc.O_RDONLY) | Libc.O_CLOEXEC, 0);
                if (fd < 0)
                    throw PmemIOException.FromLastError(part.Path, "open");
                var h = new SafeFileHandle(fd, ownsHandle: true);
                if (Libc.fstat(fd, out StatBuf st) != 0)
                {
                    h.Dispose();
                    throw PmemIOException.FromLastError(part.Path, "fstat");
                }
                files._parts.Add((part.Path, h, st.Size));
                PoolPartFileLock.Lock(h, part.Path);
            }
            return files;
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    /// <summary>Copies the whole of part file <paramref name="part"/> to <paramref name="destination"/> through the locked descriptor.</summary>
    public void CopyPart(int part, Stream destination)
    {
        (string path, SafeFileHandle handle, long size) = _parts[part];
        byte[] buffer = new byte[1 << 20];
        for (long off = 0; off < size;)
        {
            int n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, size - off)), off);
            if (n == 0)
                throw new IOException($"{path}: unexpected end of file at offset {off}");
            destination.Write(buffer, 0, n);
            off += n;
        }
    }

    public PoolHeader ReadHeader(int part)
    {
        byte[] b = new byte[PoolHeader.Size];
        if (RandomAccess.Read(_parts[part].Handle, b, 0) < b.Length)
            Array.Clear(b);
        return PoolHeader.Read(b);
    }

    public void WriteHeader(int part, in PoolHeader header)
    {
        RandomAccess.Write(_parts[part].Handle, PoolHeader.AsBytes(in header), 0);
        RandomAccess.FlushToDisk(_parts[part].Handle);
    }

    /// <summary>Reads logical bytes (they must lie in part 0, where every descriptor is).</summary>
    public ulong ReadU64(long logical)
    {
        byte[] b = new byte[8];
        return RandomAccess.Read(_parts[0].Handle, b, logical) == 8 ? BitConverter.ToUInt64(b) : 0;
    }

    /// <summary>
    /// Reads <paramref name="buffer"/>.Length bytes at replica offset <paramref name="logical"/>, crossing part
    /// boundaries (spec §5.4). Bytes beyond the replica or the files read as zero; returns how many were real.
    /// </summary>
    public int Read(ulong logical, Span<byte> buffer)
    {
        buffer.Clear();
        int real = 0;
        foreach ((int part, long fileOff, int start, int length) in Pieces(logical, buffer.Length))
            real += RandomAccess.Read(_parts[part].Handle, buffer.Slice(start, length), fileOff);
        return real;
    }

    /// <summary>Writes bytes at replica offset <paramref name="logical"/> (crossing parts) and flushes.</summary>
    public void Write(ulong logical, ReadOnlySpan<byte> data)
    {
        foreach ((int part, long fileOff, int start, int length) in Pieces(logical, data.Length))
        {
            RandomAccess.Write(_parts[part].Handle, data.Slice(start, length), fileOff);
            RandomAccess.FlushToDisk(_parts[part].Handle);
        }
    }

    /// <summary>The (part, file offset, buffer start, length) pieces of a logical range inside the replica.</summary>
    private List<(int Part, long FileOffset, int Start, int Length)> Pieces(ulong logical, int length)
    {
        _spans ??= PoolReplica.ComputeLayout(_parts.ConvertAll(p => (ulong)p.Size), Set.SingleHeader).Spans;
        var pieces = new List<(int, long, int, int)>(1);
        int done = 0;
        ulong start = 0;
        for (int p = 0; p < _parts.Count && done < length; p++)
        {
            ulong end = start + _spans[p];
            ulong pos = logical + (ulong)done;
            if (pos >= start && pos < end)
            {
                int n = (int)Math.Min((ulong)(length - done), end - pos);
                ulong fileOff = pos - start + (p == 0 || Set.SingleHeader ? 0UL : 4096UL);
                pieces.Add((p, (long)fileOff, done, n));
                done += n;
            }
            start = end;
        }
        return pieces;
    }

    /// <summary>Reads an unmanaged structure at replica offset <paramref name="logical"/> (zeros past the end).</summary>
    public T Read<T>(ulong logical) where T : unmanaged
    {
        T value = default;
        Read(logical, System.Runtime.InteropServices.MemoryMarshal.AsBytes(new Span<T>(ref value)));
        return value;
    }

    /// <summary>Reads a little-endian u64 at replica offset <paramref name="logical"/>.</summary>
    public ulong ReadWord(ulong logical) => Read<ulong>(logical);

    /// <summary>Writes a little-endian u64 at replica offset <paramref name="logical"/> and flushes.</summary>
    public void WriteU64(long logical, ulong value) => Write((ulong)logical, BitConverter.GetBytes(value));

    public void Dispose()
    {
        foreach (var p in _parts)
            p.Handle.Dispose();
    }
}
