// What a mapping maps: a file, a Device DAX, or anonymous memory (PMDK: libpmem2/source.c, source_posix.c).
using Microsoft.Win32.SafeHandles;
using Pmdk.Interop;
using Pmdk.Pmem.Detection;

namespace Pmdk.Pmem;

/// <summary>Kind of a <see cref="PmemSource"/>.</summary>
public enum PmemSourceKind
{
    /// <summary>A regular file (fsdax, page cache or tmpfs).</summary>
    RegularFile,
    /// <summary>A Device DAX character device.</summary>
    DeviceDax,
    /// <summary>Anonymous memory, not backed by any file.</summary>
    Anonymous,
}

/// <summary>
/// The data source of a mapping. Owns the file handle it opened; a handle passed in is borrowed.
/// </summary>
/// <remarks>C: <c>pmem2_source_from_fd</c>, <c>pmem2_source_from_anon</c>, <c>pmem2_source_size</c>,
/// <c>pmem2_source_alignment</c>.</remarks>
public sealed class PmemSource : IDisposable
{
    private readonly bool _ownsHandle;

    private PmemSource(SafeFileHandle? handle, bool ownsHandle, string? path, PmemSourceKind kind, ulong size,
        ulong alignment, ulong device, bool writable)
    {
        Handle = handle;
        _ownsHandle = ownsHandle;
        Path = path;
        Kind = kind;
        Size = size;
        Alignment = alignment;
        DeviceNumber = device;
        IsWritable = writable;
    }

    /// <summary>The file handle, or null for anonymous sources.</summary>
    public SafeFileHandle? Handle { get; }

    /// <summary>The file path, when known.</summary>
    public string? Path { get; }

    /// <summary>What the source is.</summary>
    public PmemSourceKind Kind { get; }

    /// <summary>Size in bytes. C: <c>pmem2_source_size</c>.</summary>
    public ulong Size { get; }

    /// <summary>Required alignment of mapping offsets and lengths. C: <c>pmem2_source_alignment</c>.</summary>
    public ulong Alignment { get; }

    /// <summary>Whether the handle allows writes.</summary>
    public bool IsWritable { get; }

    /// <summary>st_rdev of a Device DAX, st_dev of the filesystem holding a regular file.</summary>
    internal ulong DeviceNumber { get; }

    /// <summary>Opens a file or Device DAX by path. C: <c>open</c> + <c>pmem2_source_from_fd</c>.</summary>
    /// <exception cref="PmemException">The path is missing, a directory, or not accessible.</exception>
    public static PmemSource FromPath(string path, bool writable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int fd = Libc.open(path, (writable ? Libc.O_RDWR : Libc.O_RDONLY) | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw PmemIOException.FromLastError(path, "open");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            return FromHandleCore(handle, ownsHandle: true, path, writable);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Wraps an open file handle (borrowed: the caller keeps ownership). C: <c>pmem2_source_from_fd</c>.</summary>
    public static PmemSource FromHandle(SafeFileHandle handle, bool writable = true, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.IsInvalid || handle.IsClosed)
            throw new PmemException(PmemErrorCode.InvalidFileHandle, "The file handle is closed or invalid.", path);
        return FromHandleCore(handle, ownsHandle: false, path, writable);
    }

    /// <summary>Anonymous memory of <paramref name="size"/> bytes. C: <c>pmem2_source_from_anon</c>.</summary>
    public static PmemSource Anonymous(ulong size)
    {
        ArgumentOutOfRangeException.ThrowIfZero(size);
        return new PmemSource(null, false, null, PmemSourceKind.Anonymous, size, (ulong)Libc.PageSize, 0, true);
    }

    internal static PmemSource FromHandleCore(SafeFileHandle handle, bool ownsHandle, string? path, bool writable)
    {
        int fd = (int)handle.DangerousGetHandle();
        if (Libc.fstat(fd, out StatBuf st) != 0)
            throw PmemIOException.FromLastError(path, "fstat");
        if (st.IsDirectory)
            throw new PmemException(PmemErrorCode.InvalidFileType, "is a directory, not a file or Device DAX.", path);
        if (st.IsCharDevice)
        {
            uint major = StatBuf.Major(st.RDev), minor = StatBuf.Minor(st.RDev);
            if (!Sysfs.IsDeviceDax(major, minor))
                throw new PmemException(PmemErrorCode.InvalidFileType, "is a character device that is not a Device DAX.", path);
            ulong size = Sysfs.DeviceDaxSize(major, minor)
                ?? throw new PmemException(PmemErrorCode.InvalidFileType, "Device DAX size is not readable from sysfs.", path);
            ulong align = Sysfs.DeviceDaxAlignment(major, minor) ?? (ulong)Libc.PageSize;
            return new PmemSource(handle, ownsHandle, path, PmemSourceKind.DeviceDax, size, align, st.RDev, writable);
        }
        if (!st.IsRegular)
            throw new PmemException(PmemErrorCode.InvalidFileType, "is neither a regular file nor a Device DAX.", path);
        return new PmemSource(handle, ownsHandle, path, PmemSourceKind.RegularFile, (ulong)st.Size,
            (ulong)Libc.PageSize, st.Dev, writable);
    }

    /// <summary>
    /// The bad blocks of the source, as byte ranges of the source. Empty for sources not on NVDIMMs.
    /// C: <c>pmem2_badblock_context_new</c>, <c>pmem2_badblock_next</c>.
    /// </summary>
    public IReadOnlyList<BadBlocks.BadBlock> GetBadBlocks() => BadBlocks.BadBlockReader.Read(this);

    /// <summary>Clears one bad block (files: punch a hole and reallocate). C: <c>pmem2_badblock_clear</c>.</summary>
    /// <exception cref="PmemException">A Device DAX (not supported), or a range outside the source.</exception>
    public void ClearBadBlock(BadBlocks.BadBlock block) => BadBlocks.BadBlockReader.Clear(this, block);

    /// <summary>Unique id of the NVDIMMs behind the source. C: <c>pmem2_source_device_id</c>.</summary>
    /// <exception cref="PmemException">Code <see cref="PmemErrorCode.UnsafeShutdownUnsupported"/> where the platform does not expose it.</exception>
    public string GetDeviceId() => NvdimmHealth.DeviceId(this);

    /// <summary>Unsafe-shutdown count of the NVDIMMs behind the source. C: <c>pmem2_source_device_usc</c>.</summary>
    /// <exception cref="PmemException">Code <see cref="PmemErrorCode.UnsafeShutdownUnsupported"/> where the platform does not expose it.</exception>
    public ulong GetUnsafeShutdownCount() => NvdimmHealth.UnsafeShutdownCount(this);

    /// <summary>Test hook: the same file as if it lived on device <paramref name="device"/> (a fake sysfs tree).</summary>
    internal PmemSource TestHookWithDevice(ulong device) =>
        new(Handle, false, Path, Kind, Size, Alignment, device, IsWritable);

    /// <summary>Closes the handle if this source opened it.</summary>
    public void Dispose()
    {
        if (_ownsHandle)
            Handle?.Dispose();
    }
}
