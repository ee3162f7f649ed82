// Our pmempool info/check/create/rm agree with Debian's pmempool on the same files (PMDK: tools/pmempool).
using Pmdk.PmemPool;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Tools.Tests;

[Collection(OracleCollection.Name)]
public class PmemPoolToolTests
{
    private static CliResult RunOurs(params string[] args) => ToolRunner.RunOurs(args);

    private static string Info(string path) => PoolInfo.Describe(path);

    [Fact]
    public void Info_matches_debian_for_a_c_made_log()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("c.log");
        Assert.Equal(0, PmempoolCli.Run("create", "log", path).ExitCode);
        CliResult theirs = PmempoolCli.Run("info", path);
        Assert.Equal(0, theirs.ExitCode);
        Assert.Equal(theirs.Output, RunOurs("info", path).Output);
    }

    [Fact]
    public void Info_matches_debian_for_our_poolset()
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("a.set");
        File.WriteAllText(set, $"PMEMPOOLSET\n4M {dir.File("p0")}\n3M {dir.File("p1")}\n");
        CliResult created = RunOurs("create", "log", set);
        Assert.True(created.ExitCode == 0, created.Output);
        Assert.Equal(PmempoolCli.Run("info", set).Output, RunOurs("info", set).Output);
    }

    [Fact]
    public void Info_fails_like_debian_on_zero_header_and_bad_checksum()
    {
        using var dir = new TempPoolDirectory();
        string zero = dir.File("zero");
        File.WriteAllBytes(zero, new byte[2 << 20]);
        Assert.Equal(1, PmempoolCli.Run("info", zero).ExitCode);
        Assert.Contains("unknown pool type", Assert.ThrowsAny<PmemException>(() => PoolInfo.Describe(zero)).Message, StringComparison.Ordinal);
        string bad = dir.File("bad.log");
        PoolCreate.Create("log", bad, 0, (UnixFileMode)0b110_100_100);
        using (var fs = new FileStream(bad, FileMode.Open))
        {
            fs.Position = 500;
            fs.WriteByte(1);
        }
        Assert.Equal(1, PmempoolCli.Run("info", bad).ExitCode);
        Assert.Equal(1, RunOurs("info", bad).ExitCode);
    }

    public static TheoryData<string, long, byte[]> Damage => new()
    {
        { "none", 0, [] },
        { "write_offset", 4112, [0x00, 0x01, 0, 0, 0, 0, 0, 0] },
        { "start_offset", 4096, [0x00, 0x30, 0, 0, 0, 0, 0, 0] },
        { "end_offset", 4104, [0x00, 0x00, 0x10, 0, 0, 0, 0, 0] },
        { "header byte", 300, [0x77] },
        { "zero header", 0, new byte[4096] },
    };

    [Theory, MemberData(nameof(Damage))]
    public void Check_agrees_with_debian(string what, long offset, byte[] bytes)
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.log");
        PoolCreate.Create("log", path, 0, (UnixFileMode)0b110_100_100);
        if (bytes.Length > 0)
        {
            using var fs = new FileStream(path, FileMode.Open);
            fs.Position = offset;
            fs.Write(bytes);
        }
        CliResult theirs = PmempoolCli.Run("check", path);
        CheckReport ours = PoolCheck.Run(path);
        Assert.True(theirs.ExitCode == ours.ExitCode, $"{what}: Debian exit {theirs.ExitCode} ({theirs.Output}), ours {ours.Status}");
        CliResult oursCli = RunOurs("check", path);
        Assert.Equal(theirs.ExitCode, oursCli.ExitCode);
        if (what.EndsWith("offset", StringComparison.Ordinal))
            Assert.Equal(theirs.Output, oursCli.Output);
    }

    [Fact]
    public void Our_repair_of_write_offset_is_accepted_by_debian()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.log");
        PoolCreate.Create("log", path, 0, (UnixFileMode)0b110_100_100);
        using (var fs = new FileStream(path, FileMode.Open))
        {
            fs.Position = 4112;
            fs.Write([0x00, 0x01, 0, 0, 0, 0, 0, 0]);
        }
        byte[] before = File.ReadAllBytes(path);
        Assert.Equal(CheckStatus.Repaired, PoolCheck.Run(path, new CheckOptions { Repair = true, DryRun = true }).Status);
        Assert.Equal(before, File.ReadAllBytes(path));
        CliResult r = RunOurs("check", "-r", "-y", "-v", path);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("repaired", r.Output, StringComparison.Ordinal);
        CliResult theirs = PmempoolCli.Run("check", "-v", path);
        Assert.Equal(0, theirs.ExitCode);
        Assert.Contains(": consistent", theirs.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Created_log_passes_debian_check_and_mode_is_applied()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.log");
        CliResult r = RunOurs("create", "-s", "8M", "-m", "600", "log", path);
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Equal(8L << 20, new FileInfo(path).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(0, PmempoolCli.Run("check", path).ExitCode);
    }

    [Fact]
    public void Create_of_an_unknown_type_or_command_fails()
    {
        using var dir = new TempPoolDirectory();
        Assert.Equal(1, RunOurs("create", "foo", dir.File("x")).ExitCode);
        Assert.Equal(1, RunOurs("frobnicate").ExitCode);
    }

    [Fact]
    public void Rm_removes_parts_and_set_file()
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("a.set");
        File.WriteAllText(set, $"PMEMPOOLSET\n2M {dir.File("p0")}\n2M {dir.File("p1")}\n");
        PoolCreate.Create("log", set, 0, (UnixFileMode)0b110_100_100);
        Assert.Equal(0, RunOurs("rm", set).ExitCode);
        Assert.False(File.Exists(dir.File("p0")));
        Assert.False(File.Exists(dir.File("p1")));
        Assert.False(File.Exists(set));
        Assert.Equal(1, RunOurs("rm", dir.File("missing")).ExitCode);
        Assert.Equal(0, RunOurs("rm", "-f", dir.File("missing")).ExitCode);
    }

    [Fact]
    public void Info_of_an_open_pool_fails_with_locked()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.log");
        nint c = NativeLog.Create(path, 2 << 20);
        try
        {
            var e = Assert.ThrowsAny<PmemException>(() => Info(path));
            Assert.Equal(PmemErrorCode.PoolLocked, e.Code);
        }
        finally
        {
            NativeLog.pmemlog_close(c);
        }
    }
}
