// Our pmempool create/info/check on blk pools agree with Debian's on the same files (PMDK: tools/pmempool, libpmempool/check_btt*.c).
using Pmdk.PmemPool;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;
using static Pmdk.Tools.Tests.ToolRunner;

namespace Pmdk.Tools.Tests;

[Collection(OracleCollection.Name)]
public class BlkToolTests
{
    // Geometry of a 16 785 408-byte pool with 512-byte blocks (spec §7.5): namespace at 8192.
    private const long Btt = 8192, MapOff = Btt + 0xFDB000, FlogOff = Btt + 0xFFB000, BackupOff = Btt + 0xFFF000;

    [Fact]
    public void Create_w_writes_the_layout_like_debian_and_info_matches()
    {
        using var dir = new TempPoolDirectory();
        string ours = dir.File("ours.blk"), theirs = dir.File("theirs.blk");
        CliResult r = RunOurs("create", "-w", "blk", "512", ours);
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Equal(0, PmempoolCli.Run("create", "-w", "blk", "512", theirs).ExitCode);
        Assert.Equal(new FileInfo(theirs).Length, new FileInfo(ours).Length);
        Assert.Equal(0x80000000UL, PeekU64(ours, MapOff) & 0xFFFFFFFF); // map[0] = zero, as set_error + set_zero leave it
        foreach (string f in new[] { ours, theirs })
        {
            foreach (string[] args in new[] { new[] { "info", f }, ["info", "-s", f], ["info", "-B", f], ["check", "-v", f] })
            {
                CliResult c = PmempoolCli.Run(args);
                Assert.Equal(0, c.ExitCode);
                Assert.Equal(c.Output, RunOurs(args).Output);
            }
        }
    }

    [Fact]
    public void Info_and_check_match_debian_without_layout_and_after_c_writes()
    {
        using var dir = new TempPoolDirectory();
        string plain = dir.File("plain.blk");
        Assert.Equal(0, RunOurs("create", "blk", "4096", plain).ExitCode);
        Assert.Equal(PmempoolCli.Run("info", plain).Output, RunOurs("info", plain).Output);
        Assert.Contains("<No BTT layout>", RunOurs("info", plain).Output, StringComparison.Ordinal);

        string written = dir.File("c.blk");
        using (NativeBlk c = NativeBlk.Create(written, 512, 20 << 20))
        {
            byte[] data = new byte[512];
            for (int i = 0; i < 300; i++)
            {
                data[0] = (byte)i;
                c.Write(i * 7 % 1000, data);
            }
            c.SetError(5);
            c.SetZero(6);
        }
        foreach (string[] args in new[] { new[] { "info", "-s", written }, ["check", "-v", written] })
        {
            CliResult theirs = PmempoolCli.Run(args);
            Assert.Equal(0, theirs.ExitCode);
            Assert.Equal(theirs.Output, RunOurs(args).Output);
        }
        Assert.True(PoolCheck.Run(written).IsConsistent);
    }

    public static TheoryData<string, long, byte[]> Damage => new()
    {
        { "flog seq", FlogOff + 12, [0, 0, 0, 0] },
        { "flog lba", FlogOff, [0x3F, 0x42, 0x0F, 0] },
        { "flog old_map in use", FlogOff + 64 + 4, [5, 0, 0, 0x80] },
        { "map duplicate", MapOff + 20, [7, 0, 0, 0xC0] },
        { "map out of range", MapOff + 20, [0x40, 0x9C, 0, 0xC0] },
        { "info checksum", Btt + 100, [1] },
        { "info signature", Btt, [(byte)'X'] },
        { "backup checksum", BackupOff + 100, [1] },
        { "bsize", 4096, [0, 4, 0, 0] },
    };

    [Theory, MemberData(nameof(Damage))]
    public void Check_of_damaged_blk_matches_debian_text_exit_code_and_repair(string what, long offset, byte[] bytes)
    {
        using var dir = new TempPoolDirectory();
        string a = dir.File("a.blk"), b = dir.File("b.blk");
        Assert.Equal(0, RunOurs("create", "-w", "blk", "512", a).ExitCode);
        Poke(a, offset, bytes);
        File.Copy(a, b);
        foreach (string v in new[] { "-v", "-q" })
        {
            CliResult theirs = PmempoolCli.Run("check", v, a);
            CliResult ours = RunOurs("check", v, a);
            Assert.True(theirs.ExitCode == ours.ExitCode, $"{what}: Debian {theirs.ExitCode} ({theirs.Output}) ours {ours.ExitCode} ({ours.Output})");
            Assert.Equal(theirs.Output, ours.Output);
        }
        // Repair: same messages, same exit code, same bytes.
        CliResult theirFix = PmempoolCli.Run("check", "-r", "-y", "-v", a);
        CliResult ourFix = RunOurs("check", "-r", "-y", "-v", b);
        Assert.Equal(theirFix.ExitCode, ourFix.ExitCode);
        Assert.Equal(theirFix.Output.Replace(a, b, StringComparison.Ordinal), ourFix.Output);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }

    [Fact]
    public void Flog_damage_is_named_in_the_report()
    {
        using var dir = new TempPoolDirectory();
        string a = dir.File("a.blk");
        PoolCreate.Create("blk", a, 0, (UnixFileMode)0b110_100_100, 512, writeLayout: true);
        Poke(a, FlogOff + 12, [0, 0, 0, 0]);
        CheckReport r = PoolCheck.Run(a);
        Assert.False(r.IsConsistent);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(r.Messages, m => m.Text == "arena 0: invalid BTT Flog entry at 0");
        Assert.Contains(r.Messages, m => m.Text == "arena 0: unmapped block 32202");
    }

    [Fact]
    public void Create_blk_validates_arguments_like_debian()
    {
        using var dir = new TempPoolDirectory();
        Assert.Equal(1, RunOurs("create", "blk", dir.File("nobsize")).ExitCode);
        Assert.Equal(1, RunOurs("create", "-s", "1M", "blk", "512", dir.File("small")).ExitCode);
        string f = dir.File("x.blk");
        Assert.Equal(0, RunOurs("create", "-s", "32M", "-m", "600", "blk", "4096", f).ExitCode);
        Assert.Equal(32L << 20, new FileInfo(f).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
        Assert.Equal(1, RunOurs("create", "blk", "512", f).ExitCode); // exists, non-empty
        using NativeBlk c = NativeBlk.Open(f, 4096);
        Assert.Equal(4096UL, c.BlockSize);
    }
}
