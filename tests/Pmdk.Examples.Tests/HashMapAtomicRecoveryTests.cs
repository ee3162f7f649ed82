// hashmap_atomic's open-time recovery (dirty count, interrupted rebuild) behaves and prints like C's (PMDK: hashmap_atomic.c hm_atomic_init).
using Pmdk.Obj;
using Pmdk.Testing;

namespace Pmdk.Examples.Tests;

public class HashMapAtomicRecoveryTests
{
    private delegate void Damage(ObjPool pool, PmemOid map);

    private static void Check(Damage damage, string expectedNote)
    {
        using var dir = new TempPoolDirectory();
        string ours = dir.File("ours.pool");
        string theirs = dir.File("c.pool");
        Assert.Equal(0, MapCliRunner.Ours("n 40\n", "hashmap_atomic", ours, "4").ExitCode);
        using (ObjPool pool = ObjPool.Open(ours, "map"))
        {
            PmemOid map = pool.Ref<PmemOid>(pool.Root(16));
            damage(pool, map);
            pool.Persist(map, 0, 72);
        }
        File.Copy(ours, theirs);
        MapCliResult c = MapCliRunner.C("p\n", "hashmap_atomic", theirs);
        MapCliResult o = MapCliRunner.Ours("p\n", "hashmap_atomic", ours);
        Assert.Contains(expectedNote, c.Output, StringComparison.Ordinal);
        Assert.Equal(c.Output, o.Output);
        // after recovery both pools are clean: a second open prints no note
        Assert.DoesNotContain(expectedNote, MapCliRunner.C("p\n", "hashmap_atomic", ours).Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Dirty_count_is_recounted() => Check((pool, map) =>
    {
        pool.Ref<ulong>(map, 24) = 999;
        pool.Ref<uint>(map, 32) = 1;
    }, "count dirty, recalculating\nold count: 999, new count: 40\n");

    [Fact]
    public void Rebuild_interrupted_after_the_switch_is_finished() => Check((pool, map) =>
        pool.Ref<PmemOid>(map, 56) = pool.Ref<PmemOid>(map, 40), "rebuild, previous attempt crashed\n");
}
