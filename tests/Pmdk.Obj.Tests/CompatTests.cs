// Both-direction compatibility with Debian's libpmemobj 1.12.1 and pmempool check (spec §8, §11).
using System.Diagnostics;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Obj.Tests;

public unsafe class CompatTests
{
    private const string Layout = "compat";

    private static List<(ulong Off, ulong Type, ulong Usable)> OurWalk(ObjPool pool)
    {
        var list = new List<(ulong, ulong, ulong)>();
        foreach (PmemOid o in pool.Objects())
            list.Add((o.Offset, pool.TypeNumber(o), pool.UsableSize(o)));
        return list;
    }

    private static void Churn(ObjPool pool, int seed, int ops, List<PmemOid> live)
    {
        var rng = new Random(seed);
        for (int i = 0; i < ops; i++)
        {
            if (live.Count > 0 && rng.Next(3) == 0)
            {
                int k = rng.Next(live.Count);
                PmemOid o = live[k];
                pool.Free(ref o);
                live[k] = live[^1];
                live.RemoveAt(live.Count - 1);
                continue;
            }
            ulong size = rng.Next(20) switch
            {
                0 => (ulong)rng.Next(262144, 1 << 20),
                1 => (ulong)rng.Next(20000, 200000),
                _ => (ulong)rng.Next(1, 4000),
            };
            ulong type = (ulong)rng.Next(1, 10);
            live.Add(pool.Allocate(size, type, span => span[0] = (byte)type));
        }
    }

    private static string RunPmempoolCheck(string path)
    {
        var psi = new ProcessStartInfo("/usr/bin/pmempool", ["check", "-v", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"pmempool check failed (rc {p.ExitCode}): {output}");
        return output;
    }

    [Fact]
    public void Fresh_pool_matches_C_byte_for_byte_outside_ids_and_runtime_area()
    {
        using var dir = new TempPoolDirectory();
        string ours = dir.File("ours.pool"), theirs = dir.File("c.pool");
        ObjPool.Create(ours, "spec", 8 << 20).Dispose();
        nint pop = NativeObj.pmemobj_create(theirs, "spec", 8 << 20, 0b110_110_000);
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        NativeObj.pmemobj_close(pop);
        byte[] a = File.ReadAllBytes(ours), b = File.ReadAllBytes(theirs);
        Assert.Equal(b.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            bool allowed = i is >= 0x18 and < 0x80 or >= 0xFB8 and < 0x1000 or >= 0x1808 and < 0x1810 or >= 0x1A20 and < 0x2000;
            if (!allowed && a[i] != b[i])
                Assert.Fail($"byte 0x{i:x} differs: ours 0x{a[i]:x2}, C 0x{b[i]:x2}");
        }
    }

    [Fact]
    public void Pool_churned_by_us_is_consistent_for_C_and_pmempool()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("ours.pool");
        List<(ulong, ulong, ulong)> ourWalk;
        ulong rootOff, uuidLo;
        using (ObjPool pool = ObjPool.Create(path, Layout, 256 << 20))
        {
            PmemOid root = pool.Root(4000);
            pool.GetSpan(root).Fill(0x5A);
            pool.Persist(root, 0, 4000);
            var live = new List<PmemOid>();
            Churn(pool, 1, 4000, live);
            // Chunk-sized objects.
            live.Add(pool.Allocate(3 << 20, 15));
            live.Add(pool.ZAllocate(262144 - 16, 16));
            ourWalk = OurWalk(pool);
            Assert.Equal(live.Count, ourWalk.Count);
            rootOff = root.Offset;
            uuidLo = pool.UuidLo;
        }
        RunPmempoolCheck(path);
        Assert.Equal(1, NativeObj.pmemobj_check(path, Layout));
        nint pop = NativeObj.pmemobj_open(path, Layout);
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        List<(ulong, ulong, ulong)> cWalk;
        try
        {
            Assert.Equal(ourWalk, NativeObj.Walk(pop));
            NativeOid r = NativeObj.pmemobj_root(pop, 4000);
            Assert.Equal(rootOff, r.Off);
            Assert.Equal(uuidLo, r.PoolUuidLo);
            Assert.Equal(4000u, (uint)NativeObj.pmemobj_root_size(pop));
            Assert.Equal(0x5A, *(byte*)NativeObj.pmemobj_direct(r));
            // C allocates and frees in our pool.
            var cOids = new List<NativeOid>();
            for (int i = 0; i < 300; i++)
            {
                NativeOid o;
                Assert.Equal(0, NativeObj.pmemobj_alloc(pop, &o, (nuint)(1 + i * 97 % 30000), 77, 0, 0));
                cOids.Add(o);
            }
            NativeOid first = NativeObj.pmemobj_first(pop);
            NativeObj.pmemobj_free(&first);
            for (int i = 0; i < cOids.Count; i += 2)
            {
                NativeOid o = cOids[i];
                NativeObj.pmemobj_free(&o);
            }
            cWalk = NativeObj.Walk(pop);
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
        Assert.Equal(1, NativeObj.pmemobj_check(path, Layout));
        using (ObjPool pool = ObjPool.Open(path, Layout))
        {
            Assert.Equal(cWalk, OurWalk(pool));
            Assert.Equal((byte)0x5A, pool.GetSpan(pool.Root(4000))[3999]);
        }
        RunPmempoolCheck(path);
    }

    [Fact]
    public void Pool_churned_by_C_opens_in_ours_and_back()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("c.pool");
        nint pop = NativeObj.pmemobj_create(path, Layout, 256 << 20, 0b110_110_000);
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        List<(ulong, ulong, ulong)> cWalk;
        try
        {
            NativeObj.pmemobj_root(pop, 100);
            var rng = new Random(7);
            var live = new List<NativeOid>();
            for (int i = 0; i < 3000; i++)
            {
                if (live.Count > 0 && rng.Next(3) == 0)
                {
                    int k = rng.Next(live.Count);
                    NativeOid o = live[k];
                    NativeObj.pmemobj_free(&o);
                    live[k] = live[^1];
                    live.RemoveAt(live.Count - 1);
                    continue;
                }
                nuint size = (nuint)(rng.Next(25) == 0 ? rng.Next(262144, 1 << 20) : rng.Next(1, 5000));
                NativeOid n;
                Assert.Equal(0, NativeObj.pmemobj_alloc(pop, &n, size, (ulong)rng.Next(1, 5), 0, 0));
                live.Add(n);
            }
            cWalk = NativeObj.Walk(pop);
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
        List<(ulong, ulong, ulong)> ourWalk;
        using (ObjPool pool = ObjPool.Open(path, Layout))
        {
            Assert.Equal(cWalk, OurWalk(pool));
            Assert.Equal(100UL, pool.RootSize);
            var live = new List<PmemOid>(pool.Objects());
            for (int i = 0; i < live.Count; i += 3)
            {
                PmemOid o = live[i];
                pool.Free(ref o);
            }
            var mine = new List<PmemOid>();
            Churn(pool, 3, 2000, mine);
            ourWalk = OurWalk(pool);
        }
        Assert.Equal(1, NativeObj.pmemobj_check(path, Layout));
        pop = NativeObj.pmemobj_open(path, Layout);
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        try
        {
            Assert.Equal(ourWalk, NativeObj.Walk(pop));
            NativeOid x;
            Assert.Equal(0, NativeObj.pmemobj_alloc(pop, &x, 3 << 20, 9, 0, 0));
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
        RunPmempoolCheck(path);
    }

    [Fact]
    public void Usable_sizes_match_C_for_many_sizes()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("sizes.pool");
        var sizes = new List<ulong>();
        for (ulong s = 1; s < 300000; s = s * 9 / 8 + 7)
            sizes.Add(s);
        sizes.Add(2621439);
        sizes.Add(2621440);
        var ours = new List<ulong>();
        using (ObjPool pool = ObjPool.Create(path, null, 256 << 20))
        {
            foreach (ulong s in sizes)
            {
                PmemOid o = pool.Allocate(s, 1);
                ours.Add(pool.UsableSize(o));
                pool.Free(ref o);
            }
        }
        nint pop = NativeObj.pmemobj_open(path, null);
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        try
        {
            for (int i = 0; i < sizes.Count; i++)
            {
                NativeOid o;
                Assert.Equal(0, NativeObj.pmemobj_alloc(pop, &o, (nuint)sizes[i], 1, 0, 0));
                Assert.True(ours[i] == NativeObj.pmemobj_alloc_usable_size(o), $"size {sizes[i]}: ours {ours[i]}, C {NativeObj.pmemobj_alloc_usable_size(o)}");
                NativeObj.pmemobj_free(&o);
            }
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
    }
}
