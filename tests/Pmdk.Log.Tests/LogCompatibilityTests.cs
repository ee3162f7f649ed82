// Byte compatibility with Debian's libpmemlog 1.12.1 and pmempool in both directions (PMDK: libpmemlog, tools/pmempool).
using System.Text;
using Pmdk.Pool;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Log.Tests;

[Collection(OracleCollection.Name)]
public class LogCompatibilityTests
{
    private const ulong MiB = 1 << 20;

    private static void AssertPmempoolConsistent(string path)
    {
        CliResult r = PmempoolCli.Run("check", "-v", path);
        Assert.True(r.ExitCode == 0, $"pmempool check must pass on {path}: {r.Output}");
        Assert.Contains("consistent", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not consistent", r.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PoolBackend.Shm)]
    [InlineData(PoolBackend.Disk)]
    public void Pool_made_by_us_is_read_and_appended_by_c(PoolBackend backend)
    {
        using var dir = new TempPoolDirectory(backend);
        string path = dir.File("ours.log");
        using (PmemLog log = PmemLog.Create(path, 3 * MiB + 5))
        {
            log.Append("from C#;"u8);
            log.AppendV("two "u8.ToArray(), "parts;"u8.ToArray());
        }
        AssertPmempoolConsistent(path);
        Assert.Equal(1, NativeLog.pmemlog_check(path));

        nint c = NativeLog.Open(path);
        try
        {
            Assert.Equal((nuint)(3 * MiB - 8192), NativeLog.pmemlog_nbyte(c));
            Assert.Equal(18L, NativeLog.pmemlog_tell(c));
            Assert.Equal("from C#;two parts;", Encoding.ASCII.GetString(NativeLog.ReadAll(c)));
            NativeLog.Append(c, "from C;"u8);
        }
        finally
        {
            NativeLog.pmemlog_close(c);
        }
        AssertPmempoolConsistent(path);

        using PmemLog again = PmemLog.Open(path);
        var sb = new StringBuilder();
        again.Walk(0, s => { sb.Append(Encoding.ASCII.GetString(s)); return true; });
        Assert.Equal("from C#;two parts;from C;", sb.ToString());
    }

    [Fact]
    public void Pool_made_by_c_is_read_and_appended_by_us()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("c.log");
        nint c = NativeLog.Create(path, 4 * MiB);
        NativeLog.Append(c, "written by C"u8);
        NativeLog.pmemlog_close(c);

        using (PmemLog log = PmemLog.Open(path))
        {
            Assert.Equal((long)(4 * MiB - 8192), log.Capacity);
            Assert.Equal(12L, log.WriteOffset);
            log.Append(", then C#"u8);
            Assert.Equal(IncompatFeatures.Checksum2K | IncompatFeatures.ShutdownState, log.Header.Incompat);
        }
        Assert.True(PmemLog.Check(path));
        c = NativeLog.Open(path);
        Assert.Equal("written by C, then C#", Encoding.ASCII.GetString(NativeLog.ReadAll(c)));
        NativeLog.pmemlog_close(c);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Poolset_made_by_c_opens_in_ours_and_back(bool singleHeader)
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("c.set");
        File.WriteAllText(set, $"PMEMPOOLSET\n{(singleHeader ? "OPTION SINGLEHDR\n" : "")}4M {dir.File("p0")}\n3M {dir.File("p1")}\n2M {dir.File("p2")}\n");
        nint c = NativeLog.Create(set, 0);
        long cap = (long)NativeLog.pmemlog_nbyte(c);
        byte[] data = new byte[5 * MiB];
        new Random(11).NextBytes(data);
        NativeLog.Append(c, data);
        NativeLog.pmemlog_close(c);

        using (PmemLog log = PmemLog.Open(set))
        {
            Assert.Equal(cap, log.Capacity);
            Assert.Equal(data.Length, log.WriteOffset);
            var ms = new MemoryStream();
            foreach (ReadOnlySpan<byte> chunk in log.Read(65536))
                ms.Write(chunk);
            Assert.Equal(data, ms.ToArray());
            log.Append("tail"u8);
        }
        AssertPmempoolConsistent(set);
        c = NativeLog.Open(set);
        byte[] all = NativeLog.ReadAll(c);
        NativeLog.pmemlog_close(c);
        Assert.Equal([.. data, .. "tail"u8.ToArray()], all);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Poolset_made_by_us_opens_in_c(bool singleHeader)
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("ours.set");
        File.WriteAllText(set, $"PMEMPOOLSET\n{(singleHeader ? "OPTION SINGLEHDR\n" : "")}4M {dir.File("p0")}\n3000001 {dir.File("p1")}\n5MB {dir.File("p2")}\n");
        byte[] data = new byte[6 * MiB];
        new Random(5).NextBytes(data);
        long cap;
        using (PmemLog log = PmemLog.Create(set, 0))
        {
            cap = log.Capacity;
            log.Append(data);
        }
        AssertPmempoolConsistent(set);
        nint c = NativeLog.Open(set);
        try
        {
            Assert.Equal(cap, (long)NativeLog.pmemlog_nbyte(c));
            Assert.Equal(data, NativeLog.ReadAll(c));
        }
        finally
        {
            NativeLog.pmemlog_close(c);
        }
    }

    [Fact]
    public void Headers_match_c_except_uuids_crtime_and_checksums()
    {
        using var dir = new TempPoolDirectory();
        string ours = dir.File("ours.log"), theirs = dir.File("c.log");
        PmemLog.Create(ours, 2 * MiB).Dispose();
        NativeLog.pmemlog_close(NativeLog.Create(theirs, 2 * MiB));
        byte[] a = File.ReadAllBytes(ours), b = File.ReadAllBytes(theirs);
        // Mask UUIDs (24..119), crtime (120..127), the checksum, and libpmemlog's run-time bytes (4120..4175).
        foreach (byte[] x in new[] { a, b })
        {
            x.AsSpan(24, 104).Clear();
            x.AsSpan(4088, 8).Clear();
            x.AsSpan(4120, 56).Clear();
        }
        Assert.Equal(b, a);
    }

    [Fact]
    public void Ours_and_c_exclude_each_other()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.log");
        using (PmemLog log = PmemLog.Create(path))
        {
            Assert.Equal(0, NativeLog.pmemlog_open(path));
            Assert.Contains("Resource temporarily unavailable", NativeLog.ErrorMessage, StringComparison.Ordinal);
        }
        nint c = NativeLog.Open(path);
        try
        {
            var e = Assert.ThrowsAny<PmemException>(() => PmemLog.Open(path));
            Assert.Equal(PmemErrorCode.PoolLocked, e.Code);
        }
        finally
        {
            NativeLog.pmemlog_close(c);
        }
    }

    [Fact]
    public void Sds_off_pool_from_c_opens_and_stays_clean()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("nosds.log");
        CliResult r = PmempoolCli.Run(new Dictionary<string, string> { ["PMEMLOG_CONF"] = "sds.at_create=0" }, "create", "log", path);
        Assert.True(r.ExitCode == 0, r.Output);
        using (PmemLog log = PmemLog.Open(path))
        {
            Assert.Equal(IncompatFeatures.Checksum2K, log.Header.Incompat);
            log.Append("x"u8);
        }
        Assert.True(LogFiles.ReadHeader(path).Sds.IsZero);
        AssertPmempoolConsistent(path);
        // Legacy 4K checksum variant.
        Assert.Equal(0, PmempoolCli.Run("feature", "--disable", "CKSUM_2K", path).ExitCode);
        using (PmemLog log = PmemLog.Open(path))
        {
            Assert.Equal(IncompatFeatures.None, log.Header.Incompat);
            Assert.Equal(1L, log.WriteOffset);
        }
    }
}
