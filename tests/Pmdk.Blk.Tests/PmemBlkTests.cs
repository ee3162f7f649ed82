// The PmemBlk API: create/open/check, block operations, argument and lifetime errors.
using Pmdk.Testing;

namespace Pmdk.Blk.Tests;

public class PmemBlkTests
{
    private const long MinPool = (16L << 20) + 8192;

    private static byte[] Pattern(int size, int seed)
    {
        byte[] b = new byte[size];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Theory]
    [InlineData(PoolBackend.Shm)]
    [InlineData(PoolBackend.Disk)]
    public void WriteReopenRead(PoolBackend backend)
    {
        using var dir = new TempPoolDirectory(backend);
        string path = dir.File("a.blk");
        using (PmemBlk blk = PmemBlk.Create(path, 512, MinPool))
        {
            Assert.Equal(512, blk.BlockSize);
            Assert.Equal(32_202, blk.BlockCount);
            Assert.Equal(MinPool, new FileInfo(path).Length);
            blk.Write(0, Pattern(512, 0));
            blk.Write(32_201, Pattern(512, 1));
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead,
            File.GetUnixFileMode(path));
        using (PmemBlk blk = PmemBlk.Open(path))
        {
            byte[] buf = new byte[512];
            blk.Read(0, buf);
            Assert.Equal(Pattern(512, 0), buf);
            blk.Read(32_201, buf);
            Assert.Equal(Pattern(512, 1), buf);
            blk.Read(5, buf);
            Assert.All(buf, b => Assert.Equal(0, b));
        }
        Assert.True(PmemBlk.Check(path, 512));
    }

    [Theory]
    [InlineData(PoolBackend.Shm)]
    [InlineData(PoolBackend.Disk)]
    public void PrefaultAtCreateAndOpenChangesNoByte(PoolBackend backend)
    {
        using var dir = new TempPoolDirectory(backend);
        string path = dir.File("p.blk");
        var prefault = new PmemBlkOptions { Prefault = true };
        using (PmemBlk blk = PmemBlk.Create(path, 512, MinPool, prefault))
            blk.Write(7, Pattern(512, 7));
        using (PmemBlk.Open(path)) { }
        byte[] plain = File.ReadAllBytes(path);
        using (PmemBlk blk = PmemBlk.Open(path, 512, prefault))
        {
            byte[] buf = new byte[512];
            blk.Read(7, buf);
            Assert.Equal(Pattern(512, 7), buf);
        }
        Assert.Equal(plain, File.ReadAllBytes(path)); // touching every page writes back the same bytes
        Assert.True(PmemBlk.Check(path));
    }

    [Fact]
    public void PmemblkConfPrefaultEntriesSetTheOption()
    {
        Assert.True(PmemBlk.ApplyConfig(new PmemBlkOptions(), "prefault.at_create=1;prefault.at_open=0", create: true).Prefault);
        Assert.False(PmemBlk.ApplyConfig(new PmemBlkOptions(), "prefault.at_create=1;prefault.at_open=0", create: false).Prefault);
        Assert.True(PmemBlk.ApplyConfig(new PmemBlkOptions { Prefault = true }, " ; ", create: false).Prefault);
        Assert.Equal(3, PmemBlk.ApplyConfig(new PmemBlkOptions { MaxLanes = 3 }, "prefault.at_open=yes", create: false).MaxLanes);
        Assert.Equal(PmemErrorCode.InvalidArgument,
            Assert.Throws<PmemException>(() => PmemBlk.ApplyConfig(new PmemBlkOptions(), "prefault.at_open=maybe", false)).Code);
        Assert.Equal(PmemErrorCode.InvalidArgument,
            Assert.Throws<PmemException>(() => PmemBlk.ApplyConfig(new PmemBlkOptions(), "stats.enabled=1", false)).Code);
    }

    [Fact]
    public void OddBlockSizeIsKept()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("odd.blk");
        using (PmemBlk blk = PmemBlk.Create(path, 100, MinPool))
        {
            Assert.Equal(100, blk.BlockSize);
            Assert.Equal(32_202, blk.BlockCount);
            blk.Write(3, Pattern(100, 3));
        }
        using PmemBlk again = PmemBlk.Open(path, 100);
        byte[] buf = new byte[100];
        again.Read(3, buf);
        Assert.Equal(Pattern(100, 3), buf);
    }

    [Fact]
    public void WrongBlockSizeIsRefusedAndFileUntouched()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("b.blk");
        PmemBlk.Create(path, 512, MinPool).Dispose();
        byte[] before = File.ReadAllBytes(path);
        var e = Assert.Throws<PmemException>(() => PmemBlk.Open(path, 4096));
        Assert.Contains("wrong bsize", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        using PmemBlk ok = PmemBlk.Open(path, 512);
    }

    [Fact]
    public void CreateRefusesExistingAndTooSmall()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("c.blk");
        PmemBlk.Create(path, 512, MinPool).Dispose();
        Assert.Equal(PmemErrorCode.FileExists, Assert.Throws<PmemIOException>(() => PmemBlk.Create(path, 512, MinPool)).Code);
        string small = dir.File("small.blk");
        Assert.Throws<PmemException>(() => PmemBlk.Create(small, 512, MinPool - 4096));
        Assert.False(File.Exists(small));
        string big = dir.File("bigblock.blk");
        Assert.Throws<PmemException>(() => PmemBlk.Create(big, 65536, MinPool));
        Assert.False(File.Exists(big));
    }

    [Fact]
    public void CreateOnExistingZeroFile()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("z.blk");
        using (FileStream fs = File.Create(path))
            fs.SetLength(20 << 20);
        using (PmemBlk blk = PmemBlk.Create(path, 4096, 0))
            blk.Write(1, Pattern(4096, 1));
        Assert.Equal(20 << 20, new FileInfo(path).Length);
        Assert.True(PmemBlk.Check(path));
        Assert.Throws<PmemException>(() => PmemBlk.Create(path, 4096, 0)); // header no longer zero
    }

    [Fact]
    public void OpenOrCreate()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("oc.blk");
        using (PmemBlk blk = PmemBlk.OpenOrCreate(path, 512, MinPool))
            blk.Write(9, Pattern(512, 9));
        using PmemBlk again = PmemBlk.OpenOrCreate(path, 512, MinPool);
        byte[] buf = new byte[512];
        again.Read(9, buf);
        Assert.Equal(Pattern(512, 9), buf);
    }

    [Fact]
    public void SecondOpenIsLockedOut()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("l.blk");
        using PmemBlk blk = PmemBlk.Create(path, 512, MinPool);
        Assert.Equal(PmemErrorCode.PoolLocked, Assert.Throws<PmemIOException>(() => PmemBlk.Open(path)).Code);
    }

    [Fact]
    public void ZeroErrorAndRanges()
    {
        using var dir = new TempPoolDirectory();
        using PmemBlk blk = PmemBlk.Create(dir.File("e.blk"), 512, MinPool);
        byte[] buf = new byte[512];
        blk.Write(4, Pattern(512, 4));
        blk.SetError(4);
        Assert.Equal(5, Assert.Throws<PmemIOException>(() => blk.Read(4, buf)).Errno);
        blk.Write(4, Pattern(512, 5));
        blk.Read(4, buf);
        Assert.Equal(Pattern(512, 5), buf);
        blk.SetZero(4);
        blk.Read(4, buf);
        Assert.All(buf, b => Assert.Equal(0, b));
        Assert.Throws<ArgumentOutOfRangeException>(() => blk.Read(-1, buf));
        Assert.Throws<ArgumentOutOfRangeException>(() => blk.Write(blk.BlockCount, buf));
        Assert.Throws<ArgumentException>(() => blk.Write(0, new byte[511]));
        blk.Dispose();
        Assert.Throws<ObjectDisposedException>(() => blk.Read(0, buf));
        blk.Dispose();
    }

    [Fact]
    public void ShutdownStateIsDirtyWhileOpenAndCleanAfter()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("s.blk");
        using (PmemBlk.Create(path, 512, MinPool))
            Assert.Equal(1, ReadByteShared(path, 4024 + 16));
        Assert.All(File.ReadAllBytes(path).AsSpan(4024, 64).ToArray(), b => Assert.Equal(0, b));
    }

    private static byte ReadByteShared(string path, long offset)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        fs.Position = offset;
        return (byte)fs.ReadByte();
    }
}
