// string_store writer/reader: pools written by either implementation are read identically by both (PMDK: string_store).
using Pmdk.Examples.StringStore;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Examples.Tests;

public class StringStoreTests
{
    private static MapCliResult OurWriter(string input, string path)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = StringStoreApp.Writer([path], new StringReader(input), o, e);
        return new MapCliResult(code, o.ToString(), e.ToString());
    }

    private static MapCliResult OurReader(string path)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = StringStoreApp.Reader([path], o, e);
        return new MapCliResult(code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData("hello\n", "hello\n")]
    [InlineData("  abcdefghijklmnop rest\n", "abcdefghi\n")]
    [InlineData("x", "x\n")]
    public void Either_writer_and_either_reader_agree(string input, string expected)
    {
        using var dir = new TempPoolDirectory();
        string ours = dir.File("ours.pool");
        string theirs = dir.File("c.pool");
        Assert.Equal(0, OurWriter(input, ours).ExitCode);
        Assert.Equal(0, CExamples.Run(CExamples.Writer, input, theirs).ExitCode);
        Assert.Equal(1, NativeObj.pmemobj_check(ours, StringStoreApp.Layout));
        foreach (string pool in new[] { ours, theirs })
        {
            Assert.Equal(expected, CExamples.Run(CExamples.Reader, "", pool).Output);
            Assert.Equal(expected, OurReader(pool).Output);
        }
        Assert.Equal(File.ReadAllBytes(theirs).Length, File.ReadAllBytes(ours).Length);
    }

    [Fact]
    public void Empty_input_reports_EOF_like_C()
    {
        using var dir = new TempPoolDirectory();
        MapCliResult ours = OurWriter("  \n", dir.File("o.pool"));
        MapCliResult c = CExamples.Run(CExamples.Writer, "  \n", dir.File("c.pool"));
        Assert.Equal(c.ExitCode, ours.ExitCode);
        Assert.Equal(c.Error, ours.Error);
        // the pool exists but holds no word: both readers print nothing... except the empty string, whose length matches
        Assert.Equal(CExamples.Run(CExamples.Reader, "", dir.File("o.pool")).Output, OurReader(dir.File("c.pool")).Output);
    }

    [Fact]
    public void Reader_of_a_missing_pool_fails()
    {
        using var dir = new TempPoolDirectory();
        MapCliResult ours = OurReader(dir.File("none.pool"));
        Assert.Equal(1, ours.ExitCode);
        Assert.StartsWith("pmemobj_open: ", ours.Error, StringComparison.Ordinal);
        Assert.Equal(1, CExamples.Run(CExamples.Reader, "", dir.File("none.pool")).ExitCode);
    }
}
