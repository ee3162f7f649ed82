// Every syntax rule and error case of PMEMPOOLSET files, spec §5.2 (PMDK: common/set.c parser).
using Pmdk.Testing;

namespace Pmdk.Pool.Tests;

public class PoolSetParserTests
{
    private static PoolSet Parse(string text) => PoolSet.Parse(text, "/tmp/x.set");

    private static PmemException Fails(string text, string fragment)
    {
        var e = Assert.ThrowsAny<PmemException>(() => Parse(text));
        Assert.Equal(PmemErrorCode.PoolSetInvalid, e.Code);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Contains("/tmp/x.set", e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void Parses_parts_comments_and_options()
    {
        PoolSet s = Parse("PMEMPOOLSET\nOPTION SINGLEHDR\n# comment\n4M /a/p0\n3000001 /a/p1   # trailing\n5MB\t/a/p2\n\n");
        Assert.True(s.IsSetFile);
        Assert.True(s.SingleHeader);
        Assert.Single(s.Replicas);
        Assert.Equal([4UL << 20, 3000001UL, 5_000_000UL], s.Replicas[0].Parts.Select(p => p.Size));
        Assert.Equal(["/a/p0", "/a/p1", "/a/p2"], s.Replicas[0].Parts.Select(p => p.Path));
        Assert.Equal(4, s.Replicas[0].Parts[0].Line);
    }

    [Theory]
    [InlineData("1", 1UL)]
    [InlineData("7B", 7UL)]
    [InlineData("2K", 2048UL)]
    [InlineData("2KiB", 2048UL)]
    [InlineData("3M", 3UL << 20)]
    [InlineData("3MiB", 3UL << 20)]
    [InlineData("1G", 1UL << 30)]
    [InlineData("1GiB", 1UL << 30)]
    [InlineData("1T", 1UL << 40)]
    [InlineData("1TiB", 1UL << 40)]
    [InlineData("1P", 1UL << 50)]
    [InlineData("1PiB", 1UL << 50)]
    [InlineData("2kB", 2000UL)]
    [InlineData("2MB", 2_000_000UL)]
    [InlineData("2GB", 2_000_000_000UL)]
    [InlineData("2TB", 2_000_000_000_000UL)]
    [InlineData("2PB", 2_000_000_000_000_000UL)]
    public void Size_suffixes(string text, ulong expected) => Assert.Equal(expected, PoolSet.ParseSize(text));

    [Theory]
    [InlineData("0")]
    [InlineData("0M")]
    [InlineData("4m")]
    [InlineData("4kb")]
    [InlineData("4KB")]
    [InlineData("M")]
    [InlineData("4 M")]
    [InlineData("4MX")]
    [InlineData("-4M")]
    [InlineData("99999999999999999999")]
    [InlineData("20000000P")]
    [InlineData("AUTO")]
    public void Bad_sizes_are_rejected(string text)
    {
        Assert.Null(PoolSet.ParseSize(text));
        if (!text.Contains(' ', StringComparison.Ordinal))
            Fails($"PMEMPOOLSET\n{text} /a/p0\n", "incorrect format of size");
    }

    [Theory]
    [InlineData("")]
    [InlineData("PMEMPOOLSET")]
    [InlineData("PMEMPOOLSET \n2M /a\n")]
    [InlineData("PMEMPOOLSET\r\n2M /a\n")]
    [InlineData("pmempoolset\n2M /a\n")]
    [InlineData("# c\nPMEMPOOLSET\n2M /a\n")]
    public void First_line_must_be_exactly_the_signature(string text) =>
        Fails(text, "the first line must be exactly 'PMEMPOOLSET'");

    [Fact]
    public void Relative_path_is_rejected() => Fails("PMEMPOOLSET\n2M a/p0\n", "must be an absolute one");

    [Fact]
    public void Blank_only_line_is_an_invalid_token() => Fails("PMEMPOOLSET\n2M /a\n   \n", "invalid token");

    [Fact]
    public void Blanks_before_a_comment_are_an_invalid_token() => Fails("PMEMPOOLSET\n2M /a\n  # c\n", "invalid token");

    [Fact]
    public void Three_tokens_are_rejected() => Fails("PMEMPOOLSET\n2M /a /b\n", "invalid token");

    [Fact]
    public void One_token_is_rejected() => Fails("PMEMPOOLSET\n2M\n", "invalid token");

    [Fact]
    public void Missing_option_name() => Fails("PMEMPOOLSET\nOPTION\n2M /a\n", "missing option name");

    [Fact]
    public void Unknown_option() => Fails("PMEMPOOLSET\nOPTION FOO\n2M /a\n", "unknown option 'FOO'");

    [Fact]
    public void Options_may_come_after_parts_and_combine()
    {
        PoolSet s = Parse("PMEMPOOLSET\n2M /a\nOPTION SINGLEHDR NOHDRS\n");
        Assert.Equal(PoolSetOptions.SingleHeader | PoolSetOptions.NoHeaders, s.Options);
    }

    [Fact]
    public void No_parts_at_all() => Fails("PMEMPOOLSET\n# nothing\n", "no parts");

    [Fact]
    public void Replica_without_parts() => Fails("PMEMPOOLSET\n2M /a\nREPLICA\n", "replica 1 has no parts");

    [Fact]
    public void Replica_followed_by_junk() => Fails("PMEMPOOLSET\n2M /a\nREPLICAX\n2M /b\n", "invalid replica line");

    [Fact]
    public void Remote_replica_with_one_token() => Fails("PMEMPOOLSET\n2M /a\nREPLICA host\n", "remote replica");

    [Fact]
    public void Remote_replica_takes_no_parts() => Fails("PMEMPOOLSET\n2M /a\nREPLICA user@host remote.set\n2M /b\n", "cannot have part lines");

    [Fact]
    public void Local_and_remote_replicas_parse()
    {
        PoolSet s = Parse("PMEMPOOLSET\n2M /a\nREPLICA\n2M /b\n3M /c\nREPLICA user@host remote.set\n");
        Assert.Equal(3, s.Replicas.Count);
        Assert.Equal(2, s.Replicas[1].Parts.Count);
        Assert.True(s.Replicas[2].IsRemote);
        Assert.Equal("user@host", s.Replicas[2].RemoteNode);
    }

    [Fact]
    public void Carriage_return_stays_in_the_path()
    {
        PoolSet s = Parse("PMEMPOOLSET\n2M /a\r\n");
        Assert.Equal("/a\r", s.Replicas[0].Parts[0].Path);
    }

    [Fact]
    public void Directory_parts_need_singlehdr()
    {
        using var dir = new TempPoolDirectory();
        Fails($"PMEMPOOLSET\n2G {dir.DirectoryPath}\n", "SINGLEHDR");
        PoolSet s = Parse($"PMEMPOOLSET\nOPTION SINGLEHDR\n2G {dir.DirectoryPath}\n");
        Assert.True(s.Replicas[0].IsDirectoryBased);
    }

    [Fact]
    public void Directories_and_files_cannot_mix()
    {
        using var dir = new TempPoolDirectory();
        Fails($"PMEMPOOLSET\nOPTION SINGLEHDR\n2G {dir.DirectoryPath}\n2M /a/file\n", "cannot mix");
    }

    [Fact]
    public void Same_directory_twice_is_rejected()
    {
        using var dir = new TempPoolDirectory();
        Fails($"PMEMPOOLSET\nOPTION SINGLEHDR\n2G {dir.DirectoryPath}\n2G {dir.DirectoryPath}\n", "appears twice");
    }

    [Fact]
    public void Set_file_detection_reads_the_first_11_bytes()
    {
        using var dir = new TempPoolDirectory();
        File.WriteAllText(dir.File("a.set"), "PMEMPOOLSET\n2M /a\n");
        File.WriteAllText(dir.File("b"), "PMEMPOOLSE");
        Assert.True(PoolSet.IsPoolSetFile(dir.File("a.set")));
        Assert.False(PoolSet.IsPoolSetFile(dir.File("b")));
        Assert.False(PoolSet.IsPoolSetFile(dir.File("missing")));
        Assert.False(PoolSet.IsPoolSetFile(dir.DirectoryPath));
    }

    [Fact]
    public void Missing_set_file_is_file_not_found()
    {
        var e = Assert.ThrowsAny<PmemException>(() => PoolSet.Load("/nonexistent/x.set"));
        Assert.Equal(PmemErrorCode.FileNotFound, e.Code);
    }

    [Theory]
    [InlineData(new ulong[] { 4 << 20, 3 << 20 }, false, (4UL << 20) + (3UL << 20) - 4096)]
    [InlineData(new ulong[] { 4 << 20, 3000001, 5_000_000 }, true, 12_189_696UL)]
    [InlineData(new ulong[] { 2_097_252 }, false, 0x200000UL)]
    public void Replica_size_follows_spec_layout(ulong[] sizes, bool singleHeader, ulong expected) =>
        Assert.Equal(expected, PoolReplica.ComputeLayout(sizes, singleHeader).ReplicaSize);
}
