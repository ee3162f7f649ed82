// Pool creation and opening: headers, links, locking, multi-part layout (PMDK: common/set.c).
using System.Buffers.Binary;
using Pmdk.Testing;

namespace Pmdk.Pool.Tests;

public class PoolReplicaTests
{
    private const ulong MiB = 1 << 20;

    private static PoolHeader ReadHeader(string file, long offset = 0)
    {
        using var fs = File.OpenRead(file);
        byte[] b = new byte[4096];
        fs.Position = offset;
        fs.ReadExactly(b);
        return PoolHeader.Read(b);
    }

    [Theory]
    [InlineData(PoolBackend.Shm)]
    [InlineData(PoolBackend.Disk)]
    public void Single_file_header_has_pmdk_defaults(PoolBackend backend)
    {
        using var dir = new TempPoolDirectory(backend);
        string path = dir.File("a.pool");
        using (PoolReplica r = PoolReplica.Create(path, 2 * MiB + 100, PoolKind.Log))
        {
            Assert.Equal(2 * MiB, r.Size);
            Assert.True(r.CreatedZeroed);
            Assert.Equal(1, ReadHeader(path).Sds.Dirty);
        }
        Assert.Equal((long)(2 * MiB + 100), new FileInfo(path).Length);
        PoolHeader h = ReadHeader(path);
        Assert.Equal("PMEMLOG", h.SignatureText);
        Assert.Equal(1u, h.Major);
        Assert.Equal(CompatFeatures.CheckBadBlocks, h.Compat);
        Assert.Equal(IncompatFeatures.Checksum2K | IncompatFeatures.ShutdownState, h.Incompat);
        Assert.Equal(0u, h.RoCompat);
        Assert.NotEqual(h.PoolsetUuid, h.Uuid);
        Assert.Equal(h.Uuid, h.PrevPartUuid);
        Assert.Equal(h.Uuid, h.NextPartUuid);
        Assert.Equal(h.Uuid, h.PrevReplicaUuid);
        Assert.Equal(h.Uuid, h.NextReplicaUuid);
        Assert.Equal(ArchFlags.Current, h.Arch);
        Assert.True(h.Sds.IsZero);
        Assert.True(h.ChecksumValid);
        Assert.InRange((long)h.CreationTime, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal((UnixFileMode)0b110_110_100, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Second_open_fails_with_pool_locked()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.pool");
        using PoolReplica r = PoolReplica.Create(path, 2 * MiB, PoolKind.Log);
        var e = Assert.ThrowsAny<PmemException>(() => PoolReplica.Open(path, PoolKind.Log));
        Assert.Equal(PmemErrorCode.PoolLocked, e.Code);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_refuses_an_existing_file_and_small_sizes()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.pool");
        File.WriteAllBytes(path, [1]);
        Assert.Equal(PmemErrorCode.FileExists, Assert.ThrowsAny<PmemException>(() => PoolReplica.Create(path, 2 * MiB, PoolKind.Log)).Code);
        var e = Assert.ThrowsAny<PmemException>(() => PoolReplica.Create(dir.File("b"), 2 * MiB - 1, PoolKind.Log));
        Assert.Equal(PmemErrorCode.InvalidArgument, e.Code);
        Assert.False(File.Exists(dir.File("b")));
    }

    [Fact]
    public void Size_zero_uses_an_existing_zero_file_and_refuses_a_non_empty_header()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.pool");
        File.WriteAllBytes(path, new byte[2 * MiB]);
        using (PoolReplica r = PoolReplica.Create(path, 0, PoolKind.Log))
            Assert.False(r.CreatedZeroed);
        string other = dir.File("b.pool");
        byte[] junk = new byte[2 * MiB];
        junk[10] = 1;
        File.WriteAllBytes(other, junk);
        var e = Assert.ThrowsAny<PmemException>(() => PoolReplica.Create(other, 0, PoolKind.Log));
        Assert.Contains("Non-empty file detected", e.Message, StringComparison.Ordinal);
        Assert.Equal(junk, File.ReadAllBytes(other));
    }

    [Fact]
    public void Two_part_set_maps_contiguously_and_links_headers()
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("a.set");
        File.WriteAllText(set, $"PMEMPOOLSET\n4M {dir.File("p0")}\n3M {dir.File("p1")}\n");
        using (PoolReplica r = PoolReplica.Create(set, 0, PoolKind.Log))
        {
            Assert.Equal(7 * MiB - 4096, r.Size);
            byte[] data = new byte[8192];
            new Random(3).NextBytes(data);
            r.Memory.Write(4 * MiB - 4096, data); // crosses into part 1
        }
        PoolHeader h0 = ReadHeader(dir.File("p0")), h1 = ReadHeader(dir.File("p1"));
        Assert.Equal(h0.PoolsetUuid, h1.PoolsetUuid);
        Assert.Equal(h1.Uuid, h0.NextPartUuid);
        Assert.Equal(h1.Uuid, h0.PrevPartUuid);
        Assert.Equal(h0.Uuid, h1.NextPartUuid);
        Assert.Equal(h0.Uuid, h1.PrevReplicaUuid);
        Assert.Equal(h0.Uuid, h1.NextReplicaUuid);
        Assert.True(h1.Sds.IsZero);
        Assert.True(h1.ChecksumValid);
        // Logical 4 MiB is file offset 4096 of part 1.
        byte[] p1 = File.ReadAllBytes(dir.File("p1"));
        using PoolReplica again = PoolReplica.Open(set, PoolKind.Log);
        Assert.Equal(again.Memory.GetSpan(4 * MiB, 4096).ToArray(), p1.AsSpan(4096, 4096).ToArray());
    }

    [Fact]
    public void Singlehdr_set_has_one_header_and_full_size()
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("a.set");
        File.WriteAllText(set, $"PMEMPOOLSET\nOPTION SINGLEHDR\n4M {dir.File("p0")}\n3000001 {dir.File("p1")}\n5MB {dir.File("p2")}\n");
        using (PoolReplica r = PoolReplica.Create(set, 0, PoolKind.Log))
        {
            Assert.Equal(12_189_696UL, r.Size);
            Assert.Equal(IncompatFeatures.SingleHeader | IncompatFeatures.Checksum2K | IncompatFeatures.ShutdownState, r.Header.Incompat);
        }
        Assert.True(PoolHeader.IsZero(File.ReadAllBytes(dir.File("p1"))));
        using PoolReplica again = PoolReplica.Open(set, PoolKind.Log);
        Assert.Equal(12_189_696UL, again.Size);
    }

    [Fact]
    public void Replicas_and_nohdrs_are_refused_for_log()
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("a.set");
        File.WriteAllText(set, $"PMEMPOOLSET\n2M {dir.File("p0")}\nREPLICA\n2M {dir.File("r0")}\n");
        var e = Assert.ThrowsAny<PmemException>(() => PoolReplica.Create(set, 0, PoolKind.Log));
        Assert.Equal(PmemErrorCode.NotSupported, e.Code);
        Assert.Contains("replication not supported", e.Message, StringComparison.Ordinal);
        File.WriteAllText(set, $"PMEMPOOLSET\nOPTION NOHDRS\n2M {dir.File("p0")}\n");
        Assert.Contains("NOHDRS", Assert.ThrowsAny<PmemException>(() => PoolReplica.Create(set, 0, PoolKind.Log)).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("p0")));
    }

    [Fact]
    public void Missing_part_and_wrong_part_size_are_clear_errors()
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("a.set");
        File.WriteAllText(set, $"PMEMPOOLSET\n2M {dir.File("p0")}\n2M {dir.File("p1")}\n");
        PoolReplica.Create(set, 0, PoolKind.Log).Dispose();
        File.WriteAllText(set, $"PMEMPOOLSET\n2M {dir.File("p0")}\n3M {dir.File("p1")}\n");
        Assert.Contains("file size does not match config", Assert.ThrowsAny<PmemException>(() => PoolReplica.Open(set, PoolKind.Log)).Message, StringComparison.Ordinal);
        File.Delete(dir.File("p1"));
        File.WriteAllText(set, $"PMEMPOOLSET\n2M {dir.File("p0")}\n2M {dir.File("p1")}\n");
        var e = Assert.ThrowsAny<PmemException>(() => PoolReplica.Open(set, PoolKind.Log));
        Assert.Equal(PmemErrorCode.FileNotFound, e.Code);
        Assert.Contains("p1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Swapped_parts_fail_with_a_link_error()
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("a.set");
        File.WriteAllText(set, $"PMEMPOOLSET\n2M {dir.File("p0")}\n2M {dir.File("p1")}\n");
        PoolReplica.Create(set, 0, PoolKind.Log).Dispose();
        File.WriteAllText(set, $"PMEMPOOLSET\n2M {dir.File("p1")}\n2M {dir.File("p0")}\n");
        Assert.Contains("wrong replica UUID", Assert.ThrowsAny<PoolCorruptedException>(() => PoolReplica.Open(set, PoolKind.Log)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Directory_part_creates_numbered_file()
    {
        using var dir = new TempPoolDirectory();
        string sub = dir.File("d");
        Directory.CreateDirectory(sub);
        string set = dir.File("a.set");
        File.WriteAllText(set, $"PMEMPOOLSET\nOPTION SINGLEHDR\n1G {sub}\n");
        PoolReplica.Create(set, 0, PoolKind.Log).Dispose();
        Assert.Equal((long)(2 * MiB), new FileInfo(Path.Combine(sub, "000000.pmem")).Length);
        using PoolReplica r = PoolReplica.Open(set, PoolKind.Log);
        Assert.Equal(2 * MiB, r.Size);
    }

    [Fact]
    public void Sds_off_at_create_gives_incompat_2()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.pool");
        using (PoolReplica r = PoolReplica.Create(path, 2 * MiB, PoolKind.Log, new PoolOptions { ShutdownStateAtCreate = false }))
            Assert.True(ReadHeader(path).Sds.IsZero);
        Assert.Equal(IncompatFeatures.Checksum2K, ReadHeader(path).Incompat);
        using PoolReplica again = PoolReplica.Open(path, PoolKind.Log);
        Assert.True(ReadHeader(path).Sds.IsZero);
    }

    [Fact]
    public void Media_accessors_reject_out_of_range_offsets()
    {
        using var dir = new TempPoolDirectory();
        using PoolReplica r = PoolReplica.Create(dir.File("a"), 2 * MiB, PoolKind.Log);
        Assert.Throws<PoolCorruptedException>(() => r.Memory.MediaRef<ulong>(2 * MiB - 4, "field"));
        Assert.Throws<PoolCorruptedException>(() => r.Memory.MediaRef<ulong>(3, "field"));
        Assert.Throws<PoolCorruptedException>(() => r.Memory.GetMediaSpan(2 * MiB - 10, 11, "field").Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Memory.GetSpan(ulong.MaxValue, 1).Length);
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(r.Memory.GetMediaSpan(8192, 8, "x")));
    }
}
