// Damaged, truncated and foreign files are refused with a clear exception and left untouched (PMDK: util_header_check, log_descr_check).
using Pmdk.Pool;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Log.Tests;

[Collection(OracleCollection.Name)]
public class LogBadInputTests
{
    private const ulong MiB = 1 << 20;

    private static string MakeLog(TempPoolDirectory dir, string name = "a.log")
    {
        string path = dir.File(name);
        using PmemLog log = PmemLog.Create(path, 2 * MiB);
        log.Append("data"u8);
        return path;
    }

    private static T RefusedUntouched<T>(string path, string fragment, string? probe = null) where T : PmemException
    {
        probe ??= path;
        byte[] before = File.ReadAllBytes(probe);
        var e = Assert.ThrowsAny<T>(() => PmemLog.Open(path));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Contains(probe, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(probe));
        return e;
    }

    [Fact]
    public void Truncated_file()
    {
        using var dir = new TempPoolDirectory();
        string path = MakeLog(dir);
        using (var fs = new FileStream(path, FileMode.Open))
            fs.SetLength(1 << 20);
        RefusedUntouched<PoolCorruptedException>(path, "smaller than the minimum");
        using (var fs = new FileStream(path, FileMode.Open))
            fs.SetLength(100);
        RefusedUntouched<PoolCorruptedException>(path, "smaller than the minimum");
    }

    [Fact]
    public void Empty_file_and_zero_header()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("z");
        File.WriteAllBytes(path, new byte[2 * MiB]);
        RefusedUntouched<PoolCorruptedException>(path, "all zero");
    }

    [Fact]
    public void Wrong_pool_type()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.blk");
        Assert.Equal(0, PmempoolCli.Run("create", "blk", "512", path).ExitCode);
        var e = RefusedUntouched<PoolCorruptedException>(path, "wrong pool type");
        Assert.Equal(PmemErrorCode.PoolIncompatible, e.Code);
        Assert.Contains("PMEMBLK", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flipped_header_byte_is_a_checksum_error()
    {
        using var dir = new TempPoolDirectory();
        string path = MakeLog(dir);
        LogFiles.PokeBytes(path, 300, [0x5A]);
        RefusedUntouched<PoolCorruptedException>(path, "invalid checksum of pool header");
    }

    [Fact]
    public void Major_is_checked_before_the_checksum()
    {
        using var dir = new TempPoolDirectory();
        string path = MakeLog(dir);
        LogFiles.PokeBytes(path, 8, [2, 0, 0, 0]);
        RefusedUntouched<PoolCorruptedException>(path, "pool version 2 (library expects 1)");
        LogFiles.PokeBytes(path, 8, [0, 0, 0, 0]);
        RefusedUntouched<PoolCorruptedException>(path, "invalid major version (0)");
    }

    [Theory]
    [InlineData(183)]
    [InlineData(21)]
    public void Foreign_arch_flags(ushort machine)
    {
        using var dir = new TempPoolDirectory();
        string path = MakeLog(dir);
        LogFiles.MutateHeader(path, h => { h.Arch.Machine = machine; return h; });
        RefusedUntouched<PoolCorruptedException>(path, "arch_flags.machine");
        Assert.Equal(0, PmempoolCli.Run("check", path).ExitCode); // pmempool check only checks the checksum…
        Assert.Equal(0, NativeLog.pmemlog_open(path)); // and the library refuses it as we do
    }

    [Fact]
    public void Big_endian_and_alignment_descriptor_are_refused()
    {
        using var dir = new TempPoolDirectory();
        string path = MakeLog(dir);
        LogFiles.MutateHeader(path, h => { h.Arch.Data = 2; return h; });
        RefusedUntouched<PoolCorruptedException>(path, "arch_flags.data");
        LogFiles.MutateHeader(path, h => { h.Arch.Data = 1; h.Arch.AlignmentDescriptor ^= 0x10; return h; });
        RefusedUntouched<PoolCorruptedException>(path, "arch_flags.alignment_desc");
    }

    [Fact]
    public void Unknown_incompat_feature()
    {
        using var dir = new TempPoolDirectory();
        string path = MakeLog(dir);
        LogFiles.MutateHeader(path, h => { h.Incompat |= (IncompatFeatures)0x100; return h; });
        RefusedUntouched<PoolCorruptedException>(path, "unknown incompat features");
    }

    [Fact]
    public void Unknown_ro_compat_feature_opens_read_only()
    {
        using var dir = new TempPoolDirectory();
        string path = MakeLog(dir);
        LogFiles.MutateHeader(path, h => { h.RoCompat = 0x8; return h; });
        byte[] before = File.ReadAllBytes(path);
        using (PmemLog log = PmemLog.Open(path))
        {
            Assert.True(log.IsReadOnly);
            Assert.Equal(4L, log.WriteOffset);
            Assert.Equal(PmemErrorCode.AccessDenied, Assert.ThrowsAny<PmemException>(() => log.Append("x"u8)).Code);
        }
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(4096L, 0x1000UL, "start_offset")]
    [InlineData(4104L, 0x100000UL, "end_offset")]
    [InlineData(4112L, 0x100UL, "write_offset")]
    [InlineData(4112L, 0x200001UL, "write_offset")]
    public void Bad_log_descriptor(long field, ulong value, string name)
    {
        using var dir = new TempPoolDirectory();
        string path = MakeLog(dir);
        LogFiles.Poke(path, field, value);
        RefusedUntouched<PoolCorruptedException>(path, name);
        Assert.False(PmemLog.Check(path));
        Assert.NotEqual(1, NativeLog.pmemlog_check(path)); // C refuses it at open already: -1
    }

    [Fact]
    public void Poolset_syntax_error_names_the_set_file()
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("a.set");
        File.WriteAllText(set, "PMEMPOOLSET\n2M relative\n");
        var e = Assert.ThrowsAny<PmemException>(() => PmemLog.Open(set));
        Assert.Equal(PmemErrorCode.PoolSetInvalid, e.Code);
        Assert.Contains(set, e.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_part_leaves_the_other_parts_untouched()
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("a.set");
        File.WriteAllText(set, $"PMEMPOOLSET\n2M {dir.File("p0")}\n2M {dir.File("p1")}\n");
        PmemLog.Create(set, 0).Dispose();
        File.Delete(dir.File("p1"));
        byte[] before = File.ReadAllBytes(dir.File("p0"));
        var e = Assert.ThrowsAny<PmemException>(() => PmemLog.Open(set));
        Assert.Equal(PmemErrorCode.FileNotFound, e.Code);
        Assert.Equal(before, File.ReadAllBytes(dir.File("p0")));
    }

    [Fact]
    public void Dirty_shutdown_state_after_a_crash_reopens()
    {
        using var dir = new TempPoolDirectory();
        string path = MakeLog(dir);
        LogFiles.PokeBytes(path, PoolHeader.SdsOffset, PoolHeader.AsBytes(new PoolHeader { Sds = ShutdownState.ForPlainFile(true) }).Slice(PoolHeader.SdsOffset, 64));
        using (PmemLog log = PmemLog.Open(path))
            Assert.Equal(4L, log.WriteOffset);
        Assert.True(LogFiles.ReadHeader(path).Sds.IsZero);
    }
}
