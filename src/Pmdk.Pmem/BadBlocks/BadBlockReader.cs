// Bad blocks of a source from sysfs, translated to source offsets; clearing them (PMDK: libpmem2/badblocks*.c).
using System.Buffers.Binary;
using Pmdk.Interop;
using Pmdk.Pmem.Detection;

namespace Pmdk.Pmem.BadBlocks;

/// <summary>Implements <see cref="PmemSource.GetBadBlocks"/> and <see cref="PmemSource.ClearBadBlock"/>.</summary>
internal static class BadBlockReader
{
    private const uint FiemapExtentLast = 0x1;

    /// <summary>
    /// Sources that are not on an NVDIMM region (page-cache files, tmpfs, anonymous memory) have no bad blocks.
    /// A file on an fsdax namespace: the block device's ranges (partition-relative) through the file's extents.
    /// A Device DAX: the region's ranges relative to the namespace.
    /// </summary>
    public static List<BadBlock> Read(PmemSource source)
    {
        if (source.Kind == PmemSourceKind.Anonymous || source.DeviceNumber == 0)
            return [];
        bool isChar = source.Kind == PmemSourceKind.DeviceDax;
        uint major = StatBuf.Major(source.DeviceNumber), minor = StatBuf.Minor(source.DeviceNumber);
        string? region = Sysfs.RegionOf(isChar, major, minor);
        if (region is null)
            return [];

        if (isChar)
        {
            string regionText = Sysfs.ReadText(Path.Combine(region, "badblocks")) ?? "";
            ulong regionBase = Sysfs.ReadUInt64(Path.Combine(region, "resource")) ?? 0;
            ulong nsBase = NamespaceResource(Sysfs.DeviceDirectory(true, major, minor), region) ?? regionBase;
            return BadBlockTranslation.Rebase(BadBlockTranslation.ParseSysfs(regionText, source.Path), nsBase - regionBase, source.Size);
        }

        string device = Sysfs.DeviceDirectory(false, major, minor);
        ulong partitionStart = 0;
        string badblocksFile = Path.Combine(device, "badblocks");
        if (File.Exists(Path.Combine(device, "partition")))
        {
            partitionStart = (Sysfs.ReadUInt64(Path.Combine(device, "start")) ?? 0) * BadBlockTranslation.SectorSize;
            badblocksFile = Path.Combine(device, "..", "badblocks");
        }
        List<BadBlock> deviceBlocks = BadBlockTranslation.ParseSysfs(Sysfs.ReadText(badblocksFile) ?? "", source.Path);
        if (deviceBlocks.Count == 0)
            return [];
        List<BadBlock> relative = BadBlockTranslation.Rebase(deviceBlocks, partitionStart, ulong.MaxValue - partitionStart);
        return BadBlockTranslation.ToFileRanges(relative, Extents(source));
    }

    /// <summary>
    /// Clears a bad range of a file by punching a hole over the covering filesystem blocks and allocating them again
    /// (fresh blocks read zeros). Device DAX needs an NVDIMM firmware command that is not supported here.
    /// </summary>
    public static void Clear(PmemSource source, BadBlock block)
    {
        if (source.Kind != PmemSourceKind.RegularFile)
            throw new PmemException(PmemErrorCode.NotSupported,
                "clearing bad blocks is supported for files only; a Device DAX needs the ND_CMD_CLEAR_ERROR firmware call.", source.Path);
        if (block.Length == 0 || block.Offset >= source.Size || block.Length > source.Size - block.Offset)
            throw new PmemException(PmemErrorCode.OffsetOutOfRange,
                $"bad block [{block.Offset}, +{block.Length}) is outside the source of {source.Size} bytes.", source.Path);
        int fd = (int)source.Handle!.DangerousGetHandle();
        if (Libc.fstat(fd, out StatBuf st) != 0)
            throw PmemIOException.FromLastError(source.Path, "fstat");
        ulong fsBlock = st.BlkSize > 0 ? (ulong)st.BlkSize : 4096;
        ulong start = block.Offset / fsBlock * fsBlock;
        ulong end = Math.Min((block.Offset + block.Length + fsBlock - 1) / fsBlock * fsBlock, source.Size);
        if (Libc.fallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, (long)start, (long)(end - start)) != 0)
            throw PmemIOException.FromLastError(source.Path, "fallocate(PUNCH_HOLE)");
        if (Libc.fallocate(fd, 0, (long)start, (long)(end - start)) != 0)
            throw PmemIOException.FromLastError(source.Path, "fallocate");
    }

    /// <summary>The physical extents of a file (FS_IOC_FIEMAP).</summary>
    internal static List<FileExtent> Extents(PmemSource source)
    {
        const int batch = 64;
        int fd = (int)source.Handle!.DangerousGetHandle();
        var result = new List<FileExtent>();
        byte[] buffer = new byte[Libc.FiemapHeaderSize + batch * Libc.FiemapExtentSize];
        ulong start = 0;
        while (start < source.Size)
        {
            Array.Clear(buffer);
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(0), start);                 // fm_start
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(8), source.Size - start);   // fm_length
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(24), batch);                // fm_extent_count
            if (Libc.ioctl(fd, Libc.FS_IOC_FIEMAP, ref buffer[0]) != 0)
                throw PmemIOException.FromLastError(source.Path, "ioctl(FS_IOC_FIEMAP)");
            uint mapped = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(20));
            if (mapped == 0)
                break;
            bool last = false;
            for (int i = 0; i < mapped; i++)
            {
                ReadOnlySpan<byte> e = buffer.AsSpan(Libc.FiemapHeaderSize + i * Libc.FiemapExtentSize, Libc.FiemapExtentSize);
                var extent = new FileExtent(
                    BinaryPrimitives.ReadUInt64LittleEndian(e),
                    BinaryPrimitives.ReadUInt64LittleEndian(e[8..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(e[16..]));
                result.Add(extent);
                start = extent.Logical + extent.Length;
                last |= (BinaryPrimitives.ReadUInt32LittleEndian(e[40..]) & FiemapExtentLast) != 0;
            }
            if (last)
                break;
        }
        return result;
    }

    private static ulong? NamespaceResource(string deviceDirectory, string region)
    {
        string? dir = new DirectoryInfo(deviceDirectory).ResolveLinkTarget(true)?.FullName ?? deviceDirectory;
        while (!string.IsNullOrEmpty(dir) && dir.Length > region.Length)
        {
            ulong? resource = Sysfs.ReadUInt64(Path.Combine(dir, "resource"));
            if (resource is not null)
                return resource;
            dir = Path.GetDirectoryName(dir);
        }
        return null;
    }
}
