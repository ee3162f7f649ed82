// queue example: C and our program take turns on one pool with identical output and C's type numbers (PMDK: queue/queue.c).
using Pmdk.Examples.Queue;
using Pmdk.Obj;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Examples.Tests;

public class QueueTests
{
    private static MapCliResult Ours(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = QueueApp.Run(args, o, e);
        return new MapCliResult(code, o.ToString(), e.ToString());
    }

    private static string NewPool(TempPoolDirectory dir, string name)
    {
        string path = dir.File(name);
        ObjPool.Create(path, QueueApp.Layout, ObjPool.MinPoolSize).Dispose();
        return path;
    }

    [Fact]
    public void Commands_alternate_between_C_and_ours_with_identical_output()
    {
        using var dir = new TempPoolDirectory();
        string mixed = NewPool(dir, "mixed.pool");
        string reference = NewPool(dir, "c.pool");
        string[][] commands =
        [
            ["show"], ["dequeue"], ["enqueue", "x"], ["new", "0x3"], ["show"], ["enqueue", "alpha"], ["enqueue", "beta"],
            ["enqueue", "gamma"], ["enqueue", "delta"], ["show"], ["dequeue"], ["enqueue", "delta"], ["show"], ["dequeue"],
            ["dequeue"], ["dequeue"], ["dequeue"], ["show"], ["enqueue", "zeta"], ["show"], ["bogus"], ["new"], ["new", "12z"],
            ["enqueue"],
        ];
        for (int i = 0; i < commands.Length; i++)
        {
            string[] args = [mixed, .. commands[i]];
            MapCliResult a = i % 2 == 0 ? Ours(args) : CExamples.Run(CExamples.Queue, "", args);
            MapCliResult b = CExamples.Run(CExamples.Queue, "", [reference, .. commands[i]]);
            Assert.Equal(b.ExitCode, a.ExitCode);
            Assert.Equal(b.Output, a.Output);
            Assert.Equal(b.Error, a.Error);
        }
        Assert.Equal(1, NativeObj.pmemobj_check(mixed, QueueApp.Layout));
    }

    [Fact]
    public void Objects_made_by_C_carry_the_type_numbers_we_use()
    {
        using var dir = new TempPoolDirectory();
        string path = NewPool(dir, "types.pool");
        Assert.Equal(0, CExamples.Run(CExamples.Queue, "", path, "new", "4").ExitCode);
        Assert.Equal(0, CExamples.Run(CExamples.Queue, "", path, "enqueue", "abc").ExitCode);
        using ObjPool pool = ObjPool.Open(path, QueueApp.Layout);
        ulong[] types = pool.Objects().Select(pool.TypeNumber).Order().ToArray();
        Assert.Equal(new[] { QueueApp.EntryType, QueueApp.QueueType }, types); // the root is not listed
    }

    [Theory]
    [InlineData("10", true, 10UL)]
    [InlineData("0x1F", true, 31UL)]
    [InlineData("017", true, 15UL)]
    [InlineData("", true, 0UL)]
    [InlineData(" 5", true, 5UL)]
    [InlineData("-1", true, ulong.MaxValue)]
    [InlineData("5 ", false, 0UL)]
    [InlineData("08", false, 0UL)]
    [InlineData("18446744073709551616", false, 0UL)]
    public void Sizes_parse_like_strtoull_base_0(string text, bool ok, ulong value)
    {
        Assert.Equal(ok, QueueApp.TryStrToULL(text, out ulong v));
        if (ok)
            Assert.Equal(value, v);
    }

    [Fact]
    public void Missing_pool_fails_like_C()
    {
        using var dir = new TempPoolDirectory();
        MapCliResult ours = Ours(dir.File("none"), "show");
        MapCliResult c = CExamples.Run(CExamples.Queue, "", dir.File("none"), "show");
        Assert.Equal(c.ExitCode, ours.ExitCode);
        Assert.Equal(c.Error, ours.Error);
    }
}
