// C mapcli and our port take turns on the same pool; each round must print the same as the other program would (PMDK: mapcli.c).
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Examples.Tests;

public class MapCliCompatTests
{
    public static TheoryData<string> Kinds => new() { "btree", "hashmap_tx", "hashmap_atomic", "rbtree", "skiplist" };

    private static readonly string[] Rounds =
    [
        "n 300\ni 5\ni 17\ni 5\np\nc 17\nc 99\n",
        "r 17\nr 5\nr 5\nn 80\np\nc 5\n",
        "i 0\ni 18446744073709551615\nr 3\ni 3\ni 42\np\n",
        "n 500\np\n",
    ];

    private static bool IsHashmap(string kind) => kind.StartsWith("hashmap", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Alternating_rounds_print_the_same_whichever_program_runs_them(string kind)
    {
        using var dir = new TempPoolDirectory();
        string mixed = dir.File("mixed.pool");   // rounds alternate: ours, C, ours, C
        string reference = dir.File("c.pool");   // every round by C
        for (int i = 0; i < Rounds.Length; i++)
        {
            string script = Rounds[i] + (IsHashmap(kind) ? "d\n" : "");
            MapCliResult a = i % 2 == 0 ? MapCliRunner.Ours(script, kind, mixed, "7") : MapCliRunner.C(script, kind, mixed, "7");
            MapCliResult b = MapCliRunner.C(script, kind, reference, "7");
            Assert.Equal(b.ExitCode, a.ExitCode);
            Assert.Equal(b.Output, a.Output);
            Assert.Equal(b.Error, a.Error);
        }
        // both programs see the same final contents of the mixed pool, and the C library finds it consistent
        MapCliResult cView = MapCliRunner.C("p\n", kind, mixed);
        MapCliResult ourView = MapCliRunner.Ours("p\n", kind, mixed);
        Assert.Equal(cView.Output, ourView.Output);
        Assert.Equal(MapCliRunner.C("p\n", kind, reference).Output, cView.Output);
        Assert.Equal(1, NativeObj.pmemobj_check(mixed, "map"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Pool_created_by_C_is_read_and_extended_by_ours(string kind)
    {
        using var dir = new TempPoolDirectory();
        string pool = dir.File("c-made.pool");
        MapCliResult created = MapCliRunner.C("n 120\ni 9\np\n", kind, pool, "3");
        Assert.Equal(0, created.ExitCode);
        Assert.StartsWith("seed: 3\n", created.Output, StringComparison.Ordinal);

        string check = "c 9\nc 10\np\n";
        Assert.Equal(MapCliRunner.C(check, kind, pool).Output, MapCliRunner.Ours(check, kind, pool).Output);

        MapCliResult ours = MapCliRunner.Ours("r 9\ni 10\nn 40\np\n", kind, pool, "3");
        Assert.Equal("", ours.Error);
        MapCliResult after = MapCliRunner.C("c 9\nc 10\np\n", kind, pool);
        Assert.StartsWith("0\n1\n", after.Output, StringComparison.Ordinal);
        Assert.Equal(after.Output, MapCliRunner.Ours("c 9\nc 10\np\n", kind, pool).Output);
        Assert.Equal(1, NativeObj.pmemobj_check(pool, "map"));
    }

    [Theory]
    [InlineData("hashmap_tx")]
    [InlineData("hashmap_atomic")]
    public void Rebuild_and_debug_commands_match_C(string kind)
    {
        using var dir = new TempPoolDirectory();
        string script = "n 60\nb 2\nd\nb\nr 1\nd\np\n";
        MapCliResult ours = MapCliRunner.Ours(script, kind, dir.File("o.pool"), "11");
        MapCliResult c = MapCliRunner.C(script, kind, dir.File("c.pool"), "11");
        Assert.Equal(c.Output, ours.Output);
        Assert.Equal(c.Error, ours.Error);
        Assert.Contains(" 1 rebuild 0s\n", ours.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("btree")]
    [InlineData("rbtree")]
    [InlineData("skiplist")]
    public void Commands_the_tree_maps_lack_end_the_program_like_C(string kind)
    {
        using var dir = new TempPoolDirectory();
        foreach (string cmd in new[] { "d", "b" })
        {
            string script = $"i 1\np\n{cmd}\ni 2\np\n";
            MapCliResult ours = MapCliRunner.Ours(script, kind, dir.File($"o{cmd}.pool"), "1");
            MapCliResult c = MapCliRunner.C(script, kind, dir.File($"c{cmd}.pool"), "1");
            Assert.Equal(1, c.ExitCode);
            Assert.Equal(c.ExitCode, ours.ExitCode);
            Assert.Equal(c.Output, ours.Output);
            Assert.Equal(c.Error, ours.Error);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Malformed_input_gets_the_same_messages(string kind)
    {
        using var dir = new TempPoolDirectory();
        string script = "h\ni\nr x\nc\nn -\nz 4\n\ni+7\nc 7\nr 12345\nr -1\ni -1\np\nq\ni 8\np\n";
        MapCliResult ours = MapCliRunner.Ours(script, kind, dir.File("o.pool"), "5");
        MapCliResult c = MapCliRunner.C(script, kind, dir.File("c.pool"), "5");
        Assert.Equal(c.ExitCode, ours.ExitCode);
        Assert.Equal(c.Output, ours.Output);
        Assert.Equal(c.Error, ours.Error);
    }

    [Fact]
    public void Argument_errors_match_C()
    {
        using var dir = new TempPoolDirectory();
        foreach (string[] args in new[] { new[] { "btree" }, new[] { "btree", "a", "1", "x" }, new[] { "nosuchmap", dir.File("x.pool") } })
        {
            MapCliResult ours = MapCliRunner.Ours("", args);
            MapCliResult c = MapCliRunner.C("", args);
            Assert.Equal(1, ours.ExitCode);
            Assert.Equal(c.ExitCode, ours.ExitCode);
            Assert.Equal(c.Error, ours.Error);
            Assert.Equal(c.Output.Length > 0, ours.Output.Length > 0);
        }
        Assert.False(File.Exists(dir.File("x.pool")));
    }
}
