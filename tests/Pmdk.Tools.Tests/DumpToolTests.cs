// Our pmempool dump prints and writes the same bytes, errors and exit codes as Debian's on the same log, blk and obj pools (PMDK: tools/pmempool/dump.c).
using Pmdk.PmemPool;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;
using static Pmdk.Tools.Tests.ToolRunner;

namespace Pmdk.Tools.Tests;

[Collection(OracleCollection.Name)]
public class DumpToolTests
{
    private static string MakeLog(TempPoolDirectory dir)
    {
        string path = dir.File("d.log");
        nint plp = NativeLog.Create(path, 2 << 20);
        try
        {
            byte[] data = new byte[1000];
            for (int i = 0; i < data.Length; i++)
                data[i] = (byte)(i * 7 + 3);
            NativeLog.Append(plp, data);
            NativeLog.Append(plp, new byte[200]); // repeated rows become '*'
        }
        finally
        {
            NativeLog.pmemlog_close(plp);
        }
        return path;
    }

    private static string MakeBlk(TempPoolDirectory dir)
    {
        string path = dir.File("d.blk");
        using NativeBlk blk = NativeBlk.Create(path, 512, (16 << 20) + (16 << 10));
        byte[] block = new byte[512];
        foreach (long lba in new long[] { 1, 5, 15 })
        {
            for (int i = 0; i < block.Length; i++)
                block[i] = (byte)(lba + i);
            blk.Write(lba, block);
        }
        blk.SetError(3);
        return path;
    }

    private static void AssertSameAsDebian(params string[] args)
    {
        CliResult theirs = PmempoolCli.Run(["dump", .. args]);
        CliResult ours = RunOurs(["dump", .. args]);
        Assert.Equal(theirs.ExitCode, ours.ExitCode);
        Assert.Equal(theirs.Output, ours.Output);
    }

    public static TheoryData<string> LogArgs => new()
    {
        "",
        "-c 100 -r 2-3,9",
        "-c 64",
        "--chunk 300 -r 1-",
        "-r 5-20,100-,-3",
        "-r 1-2K",
        "-r 5,0",
        "-r abc",
        "-r 1-2-3",
        "-c 0",
        "-c x",
    };

    [Theory, MemberData(nameof(LogArgs))]
    public void Log_hex_dump_and_errors_match_debian(string args)
    {
        using var dir = new TempPoolDirectory();
        string path = MakeLog(dir);
        AssertSameAsDebian([.. args.Split(' ', StringSplitOptions.RemoveEmptyEntries), path]);
    }

    public static TheoryData<string> BlkArgs => new()
    {
        "",
        "-r 0,5,10",
        "-r 15",
        "-r 100-50",
        "-r 2-4,7", // block 3 is in the error state: "reading block number 3 failed"
        "-r 9999999",
        "-c 5",
    };

    [Theory, MemberData(nameof(BlkArgs))]
    public void Blk_hex_dump_and_errors_match_debian(string args)
    {
        using var dir = new TempPoolDirectory();
        string path = MakeBlk(dir);
        AssertSameAsDebian([.. args.Split(' ', StringSplitOptions.RemoveEmptyEntries), path]);
    }

    [Theory]
    [InlineData("log", "")]
    [InlineData("log", "-c 100 -r 1,3")]
    [InlineData("log", "-r 17-900")]
    [InlineData("blk", "-r 4-6,1")]
    [InlineData("blk", "")]
    public void Binary_output_file_equals_debians(string kind, string args)
    {
        using var dir = new TempPoolDirectory();
        string path = kind == "log" ? MakeLog(dir) : MakeBlk(dir);
        if (kind == "blk")
        {
            using NativeBlk blk = NativeBlk.Open(path);
            blk.Write(3, new byte[512]); // clears the error so that the whole pool dumps
        }
        string theirs = dir.File("theirs.bin"), ours = dir.File("ours.bin");
        string[] rest = [.. args.Split(' ', StringSplitOptions.RemoveEmptyEntries), path];
        Assert.Equal(0, PmempoolCli.Run(["dump", "-b", "-o", theirs, .. rest]).ExitCode);
        CliResult r = RunOurs(["dump", "--binary", "--output", ours, .. rest]);
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Equal(File.ReadAllBytes(theirs), File.ReadAllBytes(ours));
        Assert.NotEmpty(File.ReadAllBytes(ours));
    }

    [Fact]
    public void Obj_pools_zero_files_and_missing_files_are_refused_like_debian()
    {
        using var dir = new TempPoolDirectory();
        string obj = dir.File("o.obj");
        Assert.Equal(0, PmempoolCli.Run("create", "obj", obj).ExitCode);
        AssertSameAsDebian(obj);
        AssertSameAsDebian("-c", "100", obj);
        string zero = dir.File("zero");
        File.WriteAllBytes(zero, new byte[8192]);
        AssertSameAsDebian(zero);
        AssertSameAsDebian(dir.File("missing"));
    }

    [Fact]
    public void Empty_log_dumps_nothing()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("e.log");
        Assert.Equal(0, PmempoolCli.Run("create", "log", path).ExitCode);
        AssertSameAsDebian(path);
        Assert.Equal("", RunOurs("dump", path).Output);
    }

    [Fact]
    public void Ranges_merge_and_keep_pmempools_order()
    {
        var all = new DumpRange(0, 100);
        Assert.Equal([new(0, 0), new(10, 10), new(5, 5)], DumpRanges.Parse("0,5,10", all));
        Assert.Equal([new(0, 7)], DumpRanges.Parse("0-3,4-7", all)); // adjacent ranges merge
        Assert.Equal([new(50, 100)], DumpRanges.Parse("50-", all));
        Assert.Equal([new(0, 20)], DumpRanges.Parse("-20", all));
        Assert.Equal([new(3, 9)], DumpRanges.Parse("9-3", all));
        Assert.Equal([new(0, 100)], DumpRanges.Parse(null, all));
        Assert.Null(DumpRanges.Parse("101", all));
        Assert.Null(DumpRanges.Parse("1,,2", all));
        Assert.True(DumpRanges.TryParseSize("2K", out ulong k) && k == 2048);
        Assert.True(DumpRanges.TryParseSize("3kB", out ulong kb) && kb == 3000);
        Assert.False(DumpRanges.TryParseSize("3x", out _));
    }
}
