// pmempool check -b: the backup holds the pre-repair bytes, and exit codes and messages agree with Debian's tool (PMDK: libpmempool/check_backup.c).
using Pmdk.PmemPool;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;
using static Pmdk.Tools.Tests.ToolRunner;

namespace Pmdk.Tools.Tests;

[Collection(OracleCollection.Name)]
public class CheckBackupToolTests
{
    /// <summary>A Debian-made log pool whose write_offset points past the end (repairable).</summary>
    private static byte[] DamagedLog(string path)
    {
        Assert.Equal(0, PmempoolCli.Run("create", "log", path).ExitCode);
        Poke(path, 4112, [0x00, 0x01, 0, 0, 0, 0, 0, 0]);
        return File.ReadAllBytes(path);
    }

    /// <summary>Runs the same check with Debian's tool and ours on the same pool bytes and backup path.</summary>
    private static (CliResult Theirs, byte[]? TheirBackup, CliResult Ours, byte[]? OurBackup) RunBoth(
        string pool, byte[] original, string backup, params string[] args)
    {
        string[] full = ["check", .. args, pool];
        CliResult theirs = PmempoolCli.Run(full);
        byte[]? theirBackup = File.Exists(backup) ? File.ReadAllBytes(backup) : null;
        File.WriteAllBytes(pool, original);
        if (theirBackup is not null)
            File.Delete(backup);
        CliResult ours = RunOurs(full);
        byte[]? ourBackup = File.Exists(backup) ? File.ReadAllBytes(backup) : null;
        return (theirs, theirBackup, ours, ourBackup);
    }

    [Fact]
    public void Backup_then_repair_keeps_the_pre_repair_bytes_like_debian()
    {
        using var dir = new TempPoolDirectory();
        string pool = dir.File("a.log"), backup = dir.File("a.bak");
        byte[] original = DamagedLog(pool);
        var (theirs, theirBackup, ours, ourBackup) = RunBoth(pool, original, backup, "-r", "-y", "-v", "-b", backup);
        Assert.Equal(0, theirs.ExitCode);
        Assert.Equal(0, ours.ExitCode);
        Assert.Equal(original, theirBackup);
        Assert.Equal(original, ourBackup);
        Assert.StartsWith($"creating backup file: {backup}\n", ours.Output, StringComparison.Ordinal);
        Assert.StartsWith($"creating backup file: {backup}\n", theirs.Output, StringComparison.Ordinal);
        Assert.NotEqual(original, File.ReadAllBytes(pool)); // repaired in place after the backup
        Assert.Equal(0, PmempoolCli.Run("check", pool).ExitCode);
        Assert.Equal(1, PmempoolCli.Run("check", backup).ExitCode); // the backup is still the damaged pool
    }

    [Fact]
    public void An_existing_backup_of_the_same_size_is_overwritten_with_yes()
    {
        using var dir = new TempPoolDirectory();
        string pool = dir.File("a.log"), backup = dir.File("a.bak");
        byte[] original = DamagedLog(pool);
        File.WriteAllBytes(backup, new byte[original.Length]);
        CliResult theirs = PmempoolCli.Run("check", "-r", "-y", "-v", "-b", backup, pool);
        Assert.Equal(original, File.ReadAllBytes(backup));
        File.WriteAllBytes(pool, original);
        File.WriteAllBytes(backup, new byte[original.Length]);
        CliResult ours = RunOurs("check", "-r", "-y", "-v", "-b", backup, pool);
        Assert.Equal(theirs.ExitCode, ours.ExitCode);
        Assert.Equal(original, File.ReadAllBytes(backup));
        Assert.StartsWith("destination of the backup already exists\n", ours.Output, StringComparison.Ordinal);
        Assert.StartsWith("destination of the backup already exists\n", theirs.Output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[]> Refusals => new()
    {
        { "no -r", ["-b", "{b}"] },
        { "dry run", ["-b", "{b}", "-d", "-r"] },
        { "size differs", ["-b", "{small}", "-r", "-y"] },
        { "no directory", ["-b", "{missing}/x", "-r", "-y"] },
    };

    [Theory, MemberData(nameof(Refusals))]
    public void Refused_backups_fail_like_debian_and_leave_the_pool_alone(string what, string[] args)
    {
        using var dir = new TempPoolDirectory();
        string pool = dir.File("a.log"), backup = dir.File("a.bak"), small = dir.File("small");
        byte[] original = DamagedLog(pool);
        File.WriteAllBytes(small, new byte[100]);
        string[] a = [.. args.Select(x => x.Replace("{b}", backup, StringComparison.Ordinal)
            .Replace("{small}", small, StringComparison.Ordinal).Replace("{missing}", dir.File("missing"), StringComparison.Ordinal))];
        var (theirs, _, ours, ourBackup) = RunBoth(pool, original, backup, a);
        Assert.Equal(1, theirs.ExitCode);
        Assert.True(ours.ExitCode == 1, $"{what}: {ours.Output}");
        Assert.Null(ourBackup);
        Assert.Equal(original, File.ReadAllBytes(pool));
        Assert.Equal(100, new FileInfo(small).Length);
        if (what is "no -r" or "size differs")
            Assert.Equal(theirs.Output, ours.Output);
    }

    [Fact]
    public void A_pool_set_is_backed_up_part_by_part_into_the_backup_set()
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("a.set"), backupSet = dir.File("b.set");
        File.WriteAllText(set, $"PMEMPOOLSET\n4M {dir.File("p0")}\n3M {dir.File("p1")}\n");
        File.WriteAllText(backupSet, $"PMEMPOOLSET\n4M {dir.File("b0")}\n3M {dir.File("b1")}\n");
        Assert.Equal(0, PmempoolCli.Run("create", "log", set).ExitCode);
        byte[] p0 = File.ReadAllBytes(dir.File("p0")), p1 = File.ReadAllBytes(dir.File("p1"));
        CheckReport report = PoolCheck.Run(set, new CheckOptions { Repair = true, BackupPath = backupSet });
        Assert.True(report.IsConsistent, string.Join("\n", report.Problems));
        Assert.Equal(p0, File.ReadAllBytes(dir.File("b0")));
        Assert.Equal(p1, File.ReadAllBytes(dir.File("b1")));
        Assert.Equal(0, PmempoolCli.Run("check", backupSet).ExitCode);

        // Existing part files are never overwritten.
        CheckReport again = PoolCheck.Run(set, new CheckOptions { Repair = true, BackupPath = backupSet });
        Assert.Equal(CheckStatus.Error, again.Status);
        Assert.Contains(again.Problems, p => p.Contains("exists", StringComparison.Ordinal));
    }
}
