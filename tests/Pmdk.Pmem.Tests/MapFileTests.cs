using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Pmem.Tests;

/// <summary>Pmem.MapFile (pmem_map_file): flags, sizes, errors, and agreement with Debian's libpmem.</summary>
public class MapFileTests
{
    private static readonly PmemMapSettings Forced = new() { IsPmemForce = true };
    private static readonly PmemMapSettings Detect = new() { IsPmemForce = null };

    [Fact]
    public void Create_writes_and_reopen_whole_file_reads_the_data_back()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a");
        using (PmemMapping map = Pmem.MapFile(path, 1 << 20, PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive, Forced))
        {
            Assert.Equal(1UL << 20, map.Length);
            Assert.True(map.IsPmem);
            Assert.Equal(PmemGranularity.CacheLine, map.Granularity);
            map.Write(100, "persist me"u8);
        }
        using (PmemMapping map = Pmem.MapFile(path, 0, PmemMapFileOptions.None, Forced))
        {
            Assert.Equal(1UL << 20, map.Length);
            Assert.True(map.GetSpan(100, 10).SequenceEqual("persist me"u8));
        }
        Assert.Equal(1L << 20, new FileInfo(path).Length);
    }

    [Theory]
    [InlineData(PoolBackend.Shm)]
    [InlineData(PoolBackend.Disk)]
    public void Without_map_sync_or_force_a_file_takes_the_msync_path(PoolBackend backend)
    {
        using var dir = new TempPoolDirectory(backend);
        using PmemMapping map = Pmem.MapFile(dir.File("m"), 1 << 16, PmemMapFileOptions.Create, Detect);
        Assert.False(map.IsPmem);
        Assert.False(map.IsDax);
        Assert.Equal(PmemGranularity.Page, map.Granularity);
        map.Write(5000, new byte[100]);
        map.Persist(0, 1 << 16);
        map.Msync(4095, 2);
        map.DeepFlush(0, 10);
    }

    [Fact]
    public void Exclusive_create_of_an_existing_file_fails_like_c()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("x");
        File.WriteAllBytes(path, new byte[4096]);
        var e = Assert.Throws<PmemIOException>(() => Pmem.MapFile(path, 4096, PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive));
        Assert.Equal(PmemErrorCode.FileExists, e.Code);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal(0, NativePmem.pmem_map_file(path, 4096, NativePmem.PMEM_FILE_CREATE | NativePmem.PMEM_FILE_EXCL, 0x1b6, out _, out _));
        Assert.Equal(4096, new FileInfo(path).Length);
    }

    [Fact]
    public void Missing_file_is_file_not_found_like_c()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("missing");
        var e = Assert.Throws<PmemIOException>(() => Pmem.MapFile(path, 0));
        Assert.Equal(PmemErrorCode.FileNotFound, e.Code);
        Assert.Equal(2, e.Errno);
        Assert.Equal(0, NativePmem.pmem_map_file(path, 0, 0, 0, out _, out _));
    }

    [Fact]
    public void A_directory_is_rejected_with_a_clear_message()
    {
        using var dir = new TempPoolDirectory();
        var e = Assert.Throws<PmemException>(() => Pmem.MapFile(dir.DirectoryPath, 0));
        Assert.Equal(PmemErrorCode.InvalidFileType, e.Code);
        Assert.Contains("directory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Length_zero_of_an_empty_file_is_source_empty()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("empty");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<PmemException>(() => Pmem.MapFile(path, 0));
        Assert.Equal(PmemErrorCode.SourceEmpty, e.Code);
        Assert.Equal(0, NativePmem.pmem_map_file(path, 0, 0, 0, out _, out _));
    }

    [Fact]
    public void A_length_without_create_is_invalid_like_c()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("f");
        File.WriteAllBytes(path, new byte[8192]);
        var e = Assert.Throws<PmemException>(() => Pmem.MapFile(path, 4096));
        Assert.Equal(PmemErrorCode.InvalidArgument, e.Code);
        Assert.Equal(0, NativePmem.pmem_map_file(path, 4096, 0, 0, out _, out _));
    }

    [Fact]
    public void Invalid_flags_are_rejected()
    {
        using var dir = new TempPoolDirectory();
        Assert.Equal(PmemErrorCode.InvalidFlags,
            Assert.Throws<PmemException>(() => Pmem.MapFile(dir.File("f"), 4096, (PmemMapFileOptions)0x100)).Code);
        Assert.Equal(PmemErrorCode.InvalidFlags,
            Assert.Throws<PmemException>(() => Pmem.MapFile(dir.File("f"), 4096, PmemMapFileOptions.Exclusive)).Code);
    }

    [Fact]
    public void A_read_only_file_is_access_denied()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("ro");
        File.WriteAllBytes(path, new byte[4096]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        if (Environment.UserName != "root")
        {
            Assert.Equal(PmemErrorCode.AccessDenied, Assert.Throws<PmemIOException>(() => Pmem.MapFile(path, 0)).Code);
            return;
        }
        // root bypasses file modes, so open(O_RDWR) succeeds; a read-only source must still refuse a writable mapping.
        using var source = PmemSource.FromPath(path, writable: false);
        var e = Assert.Throws<PmemException>(() => PmemMapping.Create(source));
        Assert.Equal(PmemErrorCode.AccessDenied, e.Code);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sparse_create_does_not_allocate_blocks()
    {
        using var dir = new TempPoolDirectory(PoolBackend.Disk);
        string path = dir.File("sparse");
        using (Pmem.MapFile(path, 256 << 20, PmemMapFileOptions.Create | PmemMapFileOptions.Sparse))
        {
        }
        using (Pmem.MapFile(dir.File("dense"), 8 << 20, PmemMapFileOptions.Create))
        {
        }
        Assert.Equal(256L << 20, new FileInfo(path).Length);
        Assert.True(AllocatedBytes(path) < (1 << 20), "a sparse file must not have its blocks allocated");
        Assert.True(AllocatedBytes(dir.File("dense")) >= 8 << 20, "a non-sparse file is fully allocated");
    }

    [Fact]
    public void Tmpfile_creates_an_unnamed_file_in_the_directory()
    {
        using var dir = new TempPoolDirectory();
        using PmemMapping map = Pmem.MapFile(dir.DirectoryPath, 1 << 20, PmemMapFileOptions.TempFile, Forced);
        map.Write(0, "tmp"u8);
        Assert.Equal(1UL << 20, map.Length);
        Assert.Empty(Directory.GetFiles(dir.DirectoryPath));
    }

    [Fact]
    public void Files_larger_than_2_GiB_map_and_address_past_the_int_range()
    {
        using var dir = new TempPoolDirectory(PoolBackend.Disk);
        ulong size = (5UL << 30) + 4096;
        using PmemMapping map = Pmem.MapFile(dir.File("big"), size, PmemMapFileOptions.Create | PmemMapFileOptions.Sparse, Detect);
        Assert.Equal(size, map.Length);
        ulong far = (4UL << 30) + 123;
        map.Write(far, "far away"u8);
        map.Fill(size - 100, 7, 100);
        Assert.True(map.GetSpan(far, 8).SequenceEqual("far away"u8));
        Assert.Equal(7, map.GetSpan(size - 1, 1)[0]);
        map.Move(far + 1000, far, 8);
        Assert.True(map.GetSpan(far + 1000, 8).SequenceEqual("far away"u8));
    }

    [Fact]
    public void Our_writes_are_read_by_c_and_c_writes_are_read_by_us()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("shared");
        using (PmemMapping map = Pmem.MapFile(path, 1 << 20, PmemMapFileOptions.Create, Forced))
            map.Write(4096, "from C#"u8);
        unsafe
        {
            nint addr = NativePmem.pmem_map_file(path, 0, 0, 0, out nuint len, out _);
            Assert.NotEqual(0, addr);
            Assert.Equal((nuint)(1 << 20), len);
            Assert.True(new ReadOnlySpan<byte>((byte*)addr + 4096, 7).SequenceEqual("from C#"u8));
            fixed (byte* src = "from C"u8)
                NativePmem.pmem_memcpy_persist(addr + 8192, (nint)src, 6);
            Assert.Equal(0, NativePmem.pmem_unmap(addr, len));
        }
        using (PmemMapping map = Pmem.MapFile(path, 0))
            Assert.True(map.GetSpan(8192, 6).SequenceEqual("from C"u8));
    }

    [Fact]
    public void Hardware_drain_and_auto_flush_agree_with_c()
    {
        Assert.Equal(NativePmem.pmem_has_hw_drain() != 0, Pmem.HasHardwareDrain);
        Assert.Equal(NativePmem.pmem_has_auto_flush() == 1, Pmem.HasAutoFlush);
    }

    private static long AllocatedBytes(string path)
    {
        Assert.Equal(0, Pmdk.Interop.Libc.stat(path, out Pmdk.Interop.StatBuf st));
        return st.Blocks * 512;
    }
}
