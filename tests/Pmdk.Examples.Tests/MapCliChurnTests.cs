// Heavy insert/remove churn alternating between C's mapcli and ours: splits, merges, rotations and rehashing all cross over (PMDK: mapcli.c).
using System.Text;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Examples.Tests;

public class MapCliChurnTests
{
    private static string Script(Random rng, int ops)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < ops; i++)
        {
            int key = rng.Next(1, 300);
            sb.Append(rng.Next(5) < 3 ? 'i' : 'r').Append(' ').Append(key).Append('\n');
            if (i % 97 == 0)
                sb.Append("p\n");
        }
        return sb.Append("p\n").ToString();
    }

    [Theory]
    [InlineData("btree")]
    [InlineData("rbtree")]
    [InlineData("hashmap_tx")]
    [InlineData("hashmap_atomic")]
    [InlineData("skiplist")]
    public void Churn_rounds_alternate_between_C_and_ours_with_identical_output(string kind)
    {
        using var dir = new TempPoolDirectory();
        string mixed = dir.File("mixed.pool");
        string reference = dir.File("c.pool");
        var rng = new Random(kind.Length);
        for (int round = 0; round < 6; round++)
        {
            string script = Script(rng, 700);
            MapCliResult a = round % 2 == 1 ? MapCliRunner.Ours(script, kind, mixed, "9") : MapCliRunner.C(script, kind, mixed, "9");
            MapCliResult b = MapCliRunner.C(script, kind, reference, "9");
            Assert.Equal(b.Output, a.Output);
            Assert.Equal(b.Error, a.Error);
            if (!kind.StartsWith("hashmap", StringComparison.Ordinal))
                Assert.Equal(TreeShape.Dump(reference, kind), TreeShape.Dump(mixed, kind));
        }
        Assert.Equal(1, NativeObj.pmemobj_check(mixed, "map"));
    }
}
