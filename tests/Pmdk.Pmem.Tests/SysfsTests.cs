using Pmdk.Pmem.BadBlocks;
using Pmdk.Pmem.Detection;
using Pmdk.Testing;

namespace Pmdk.Pmem.Tests;

[CollectionDefinition(nameof(SysfsCollection), DisableParallelization = true)]
public sealed class SysfsCollection;

/// <summary>NVDIMM facts read from a fake sysfs tree: eADR, regions, bad blocks, device id, unsafe shutdown count.</summary>
[Collection(nameof(SysfsCollection))]
public sealed class SysfsTests : IDisposable
{
    private readonly TempPoolDirectory _dir = new();
    private readonly string _previousRoot = Sysfs.Root;

    public SysfsTests() => Sysfs.Root = _dir.DirectoryPath;

    public void Dispose()
    {
        Sysfs.Root = _previousRoot;
        _dir.Dispose();
    }

    private string Write(string relative, string content)
    {
        string path = Path.Combine(_dir.DirectoryPath, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Auto_flush_needs_every_region_in_the_cpu_cache_domain()
    {
        Assert.False(Sysfs.AllRegionsAutoFlush());
        Write("bus/nd/devices/region0/persistence_domain", "cpu_cache\n");
        Assert.True(Sysfs.AllRegionsAutoFlush());
        Write("bus/nd/devices/region1/persistence_domain", "memory_controller\n");
        Assert.False(Sysfs.AllRegionsAutoFlush());
    }

    [Fact]
    public void A_device_under_a_region_finds_it_through_its_sysfs_link()
    {
        string region = Path.Combine(_dir.DirectoryPath, "devices", "ndbus0", "region3");
        string pmem = Path.Combine(region, "namespace3.0", "block", "pmem3");
        Directory.CreateDirectory(pmem);
        Directory.CreateDirectory(Path.Combine(_dir.DirectoryPath, "dev", "block"));
        File.CreateSymbolicLink(Path.Combine(_dir.DirectoryPath, "dev", "block", "259:3"), pmem);
        Assert.Equal(region, Sysfs.RegionOf(false, 259, 3));
        Assert.Null(Sysfs.RegionOf(false, 8, 0));
    }

    [Fact]
    public void Device_dax_geometry_is_read_from_sysfs()
    {
        string dax = Path.Combine(_dir.DirectoryPath, "devices", "ndbus0", "region0", "dax0.0", "dax", "dax0.0");
        Directory.CreateDirectory(dax);
        Write("devices/ndbus0/region0/dax0.0/dax/dax0.0/size", "2147483648\n");
        Write("devices/ndbus0/region0/dax0.0/align", "2097152\n");
        Directory.CreateDirectory(Path.Combine(_dir.DirectoryPath, "class", "dax"));
        File.CreateSymbolicLink(Path.Combine(dax, "subsystem"), Path.Combine(_dir.DirectoryPath, "class", "dax"));
        File.CreateSymbolicLink(Path.Combine(dax, "device"), Path.Combine(_dir.DirectoryPath, "devices", "ndbus0", "region0", "dax0.0"));
        Directory.CreateDirectory(Path.Combine(_dir.DirectoryPath, "dev", "char"));
        File.CreateSymbolicLink(Path.Combine(_dir.DirectoryPath, "dev", "char", "252:0"), dax);
        Assert.True(Sysfs.IsDeviceDax(252, 0));
        Assert.False(Sysfs.IsDeviceDax(1, 3));
        Assert.Equal(2UL << 30, Sysfs.DeviceDaxSize(252, 0));
        Assert.Equal(2UL << 20, Sysfs.DeviceDaxAlignment(252, 0));
    }

    [Fact]
    public void Badblocks_text_parses_sectors_and_rejects_garbage()
    {
        List<BadBlock> blocks = BadBlockTranslation.ParseSysfs("8 1\n100 16\n\n");
        Assert.Equal([new BadBlock(4096, 512), new BadBlock(51200, 8192)], blocks);
        Assert.Equal(PmemErrorCode.InvalidArgument, Assert.Throws<PmemException>(() => BadBlockTranslation.ParseSysfs("8 x")).Code);
        Assert.Throws<PmemException>(() => BadBlockTranslation.ParseSysfs("-1 2"));
    }

    [Fact]
    public void Device_ranges_translate_to_file_ranges_through_extents()
    {
        var extents = new[]
        {
            new FileExtent(0, 1 << 20, 8192),
            new FileExtent(8192, 4 << 20, 8192),
        };
        var device = new[]
        {
            new BadBlock((1 << 20) + 4096, 512),        // inside extent 0
            new BadBlock((4 << 20) + 8000, 1000),       // crosses the end of extent 1
            new BadBlock(100, 512),                     // not in the file
        };
        Assert.Equal([new BadBlock(4096, 512), new BadBlock(8192 + 8000, 192)], BadBlockTranslation.ToFileRanges(device, extents));
        Assert.Equal([new BadBlock(0, 100)], BadBlockTranslation.Rebase([new BadBlock(900, 200)], 1000, 100));
    }

    [Fact]
    public void Device_id_and_unsafe_shutdown_count_sum_the_region_dimms()
    {
        string region = Path.Combine(_dir.DirectoryPath, "devices", "ndbus0", "region0");
        string pmem = Path.Combine(region, "namespace0.0", "block", "pmem0");
        Directory.CreateDirectory(pmem);
        Write("devices/ndbus0/region0/mapping0", "nmem0,0,1073741824,0\n");
        Write("devices/ndbus0/region0/mapping1", "nmem1,0,1073741824,1\n");
        Write("bus/nd/devices/nmem0/nfit/id", "8089-a2-1837-00000a1b\n");
        Write("bus/nd/devices/nmem1/nfit/id", "8089-a2-1837-00000a1c\n");
        Write("bus/nd/devices/nmem0/nfit/dirty_shutdown", "3\n");
        Write("bus/nd/devices/nmem1/nfit/dirty_shutdown", "4\n");
        Directory.CreateDirectory(Path.Combine(_dir.DirectoryPath, "dev", "block"));
        File.CreateSymbolicLink(Path.Combine(_dir.DirectoryPath, "dev", "block", "259:0"), pmem);

        using var files = new TempPoolDirectory();
        string path = files.File("f");
        File.WriteAllBytes(path, new byte[4096]);
        using var source = PmemSource.FromPath(path);
        PmemSource onNvdimm = source.TestHookWithDevice(259UL << 8);
        Assert.Equal("8089-a2-1837-00000a1b8089-a2-1837-00000a1c", onNvdimm.GetDeviceId());
        Assert.Equal(7UL, onNvdimm.GetUnsafeShutdownCount());
        File.Delete(Path.Combine(_dir.DirectoryPath, "bus/nd/devices/nmem1/nfit/dirty_shutdown"));
        Assert.Equal(PmemErrorCode.UnsafeShutdownUnsupported,
            Assert.Throws<PmemException>(() => onNvdimm.GetUnsafeShutdownCount()).Code);
    }
}
