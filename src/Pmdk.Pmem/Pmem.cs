// libpmem's entry points: map a file, query the platform (PMDK: libpmem/pmem.c, libpmem/pmem_posix.c).
using Microsoft.Win32.SafeHandles;
using Pmdk.Interop;
using Pmdk.Pmem.Detection;
using Pmdk.Pmem.Persistence;

namespace Pmdk.Pmem;

/// <summary>The libpmem facade: <see cref="MapFile(string, ulong, PmemMapFileOptions, UnixFileMode)"/> and platform queries.</summary>
public static class Pmem
{
    /// <summary>Maps a file or Device DAX. C: <c>pmem_map_file</c>.</summary>
    /// <param name="path">The file (a directory with <see cref="PmemMapFileOptions.TempFile"/>).</param>
    /// <param name="length">Size to create; 0 maps an existing file whole.</param>
    /// <param name="options">PMEM_FILE_* flags.</param>
    /// <param name="mode">Mode of a created file.</param>
    public static PmemMapping MapFile(string path, ulong length, PmemMapFileOptions options = PmemMapFileOptions.None,
        UnixFileMode mode = (UnixFileMode)0b110_110_110) =>
        MapFile(path, length, options, new PmemMapSettings { Mode = mode });

    /// <summary>Maps a file or Device DAX with explicit settings. C: <c>pmem_map_file</c>.</summary>
    /// <exception cref="PmemException">Missing file, a directory, invalid flags, length 0 of an empty file,
    /// a length with an existing file and no Create, a read-only file.</exception>
    public static PmemMapping MapFile(string path, ulong length, PmemMapFileOptions options, PmemMapSettings settings)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(settings);
        const PmemMapFileOptions valid = PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive |
            PmemMapFileOptions.Sparse | PmemMapFileOptions.TempFile;
        if ((options & ~valid) != 0)
            throw new PmemException(PmemErrorCode.InvalidFlags, $"invalid PMEM_FILE flags 0x{(int)options:x}.", path);
        bool create = (options & (PmemMapFileOptions.Create | PmemMapFileOptions.TempFile)) != 0;
        if ((options & PmemMapFileOptions.Exclusive) != 0 && (options & PmemMapFileOptions.Create) == 0)
            throw new PmemException(PmemErrorCode.InvalidFlags, "PMEM_FILE_EXCL needs PMEM_FILE_CREATE.", path);
        if (!create && length != 0)
            throw new PmemException(PmemErrorCode.InvalidArgument,
                "a non-zero length needs PMEM_FILE_CREATE; pass 0 to map an existing file whole.", path);
        if ((options & PmemMapFileOptions.TempFile) != 0 && length == 0)
            throw new PmemException(PmemErrorCode.InvalidArgument, "a temporary file needs a non-zero length.", path);
        if (length > long.MaxValue)
            throw new PmemException(PmemErrorCode.LengthOutOfRange, $"length {length} is too large.", path);

        SafeFileHandle handle = OpenForMapping(path, length, options, (uint)settings.Mode);
        using PmemSource source = PmemSource.FromHandleCore(handle, ownsHandle: true, path, writable: true);
        if (source.Kind == PmemSourceKind.DeviceDax && length != 0 && length != source.Size)
            throw new PmemException(PmemErrorCode.LengthOutOfRange,
                $"a Device DAX maps whole: length {length} differs from its size {source.Size}.", path);
        if (source.Size == 0)
            throw new PmemException(PmemErrorCode.SourceEmpty, "the file is empty; give a length with PMEM_FILE_CREATE.", path);

        bool dax = source.Kind == PmemSourceKind.DeviceDax;
        nint address = PmemMapping.MapSource(source, PmemSharing.Shared, Libc.PROT_READ | Libc.PROT_WRITE,
            0, source.Size, 0, ref dax);
        bool isPmem = MappingDecision.IsPmem(mapSync: dax && source.Kind == PmemSourceKind.RegularFile,
            deviceDax: source.Kind == PmemSourceKind.DeviceDax, settings.IsPmemForce);
        bool autoFlush = isPmem && Sysfs.AllRegionsAutoFlush();
        PmemGranularity granularity = MappingDecision.GranularityOfPmem(isPmem, autoFlush);
        PersistenceProfile profile = PersistenceProfile.Resolve(CpuFeatures.Current, settings.Tuning, autoFlush);
        unsafe
        {
            return new PmemMapping(new SafeMappingHandle(address, (nuint)source.Size), (byte*)address, source.Size,
                isPmem, dax, granularity, profile, path, null, 0)
            {
                DeviceNumber = source.DeviceNumber,
                IsCharDevice = source.Kind == PmemSourceKind.DeviceDax,
            }.Attach(settings.PersistenceProvider);
        }
    }

    /// <summary>Whether the CPU drains without an explicit fence (never on x86). C: <c>pmem_has_hw_drain</c>.</summary>
    public static bool HasHardwareDrain => false;

    /// <summary>Whether every NVDIMM region flushes CPU caches on power failure (eADR). C: <c>pmem_has_auto_flush</c>.</summary>
    public static bool HasAutoFlush => Sysfs.AllRegionsAutoFlush();

    /// <summary>The CPU persistence choices of new mappings with the default tuning.</summary>
    public static PersistenceProfile DefaultProfile => PersistenceProfile.Default;

    /// <summary>Whether the CPU routine for a flush instruction is installed here.</summary>
    public static bool IsFlushAvailable(FlushInstruction instruction) => CacheLineFlush.IsAvailable(instruction);

    private static SafeFileHandle OpenForMapping(string path, ulong length, PmemMapFileOptions options, uint mode)
    {
        int fd;
        if ((options & PmemMapFileOptions.TempFile) != 0)
        {
            fd = Libc.open(path, Libc.O_TMPFILE | Libc.O_RDWR | Libc.O_CLOEXEC, mode);
            if (fd < 0)
                throw PmemIOException.FromLastError(path, "open(O_TMPFILE)");
        }
        else
        {
            int flags = Libc.O_RDWR | Libc.O_CLOEXEC;
            if ((options & PmemMapFileOptions.Create) != 0)
                flags |= Libc.O_CREAT;
            if ((options & PmemMapFileOptions.Exclusive) != 0)
                flags |= Libc.O_EXCL;
            fd = Libc.open(path, flags, mode);
            if (fd < 0)
            {
                int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                throw errno == Errno.EISDIR
                    ? new PmemException(PmemErrorCode.InvalidFileType, "is a directory, not a file or Device DAX.", path)
                    : PmemIOException.FromErrno(errno, path, "open");
            }
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (length != 0 && Libc.fstat(fd, out StatBuf st) == 0 && st.IsRegular)
            {
                if (Libc.ftruncate(fd, (long)length) != 0)
                    throw PmemIOException.FromLastError(path, "ftruncate");
                if ((options & PmemMapFileOptions.Sparse) == 0)
                {
                    int err = Libc.posix_fallocate(fd, 0, (long)length);
                    if (err != 0)
                        throw PmemIOException.FromErrno(err, path, "posix_fallocate");
                }
            }
            return handle;
        }
        catch
        {
            handle.Dispose();
            if ((options & PmemMapFileOptions.Exclusive) != 0)
                _ = Libc.unlink(path);
            throw;
        }
    }
}
