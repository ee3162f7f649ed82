// Our pmempool create/info/check on obj pools: agreement with Debian's and with libpmemobj, and the deep checker on damaged pools (PMDK: tools/pmempool, obj.c pmemobj_check).
using Pmdk.Obj;
using Pmdk.Obj.Heap;
using Pmdk.PmemPool;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;
using static Pmdk.Tools.Tests.ToolRunner;

namespace Pmdk.Tools.Tests;

[Collection(OracleCollection.Name)]
public unsafe class ObjToolTests
{
    private const long HeapOff = 0x302000, Zone0 = HeapOff + 1024, ChunkHeaders = Zone0 + 64, Chunk0 = Zone0 + 524288;
    private const long ChunkSize = 262144;

    /// <summary>A pool filled by libpmemobj: root, small objects of many classes, a huge one, some freed.</summary>
    private static string MakeCPool(TempPoolDirectory dir, string name = "c.obj")
    {
        string path = dir.File(name);
        nint pop = NativeObj.pmemobj_create(path, "lay", 64 << 20, 0b110_110_100);
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        try
        {
            Assert.NotEqual(0UL, NativeObj.pmemobj_root(pop, 4000).Off);
            var oids = new NativeOid[120];
            for (int i = 0; i < oids.Length; i++)
            {
                fixed (NativeOid* o = &oids[i])
                    Assert.True(NativeObj.pmemobj_alloc(pop, o, (nuint)(1 + (i * 211 % 9000)), (ulong)(i % 5), 0, 0) == 0, $"alloc {i}: {NativeObj.ErrorMessage()}");
            }
            NativeOid big;
            Assert.Equal(0, NativeObj.pmemobj_alloc(pop, &big, 3 << 20, 15, 0, 0));
            for (int i = 0; i < oids.Length; i += 3)
            {
                fixed (NativeOid* o = &oids[i])
                    NativeObj.pmemobj_free(o);
            }
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
        return path;
    }

    /// <summary>The same workload through our ObjPool.</summary>
    private static string MakeOurPool(TempPoolDirectory dir)
    {
        string path = dir.File("ours.obj");
        using ObjPool pool = ObjPool.Create(path, "lay", 64 << 20);
        pool.Root(4000);
        var oids = new PmemOid[120];
        for (int i = 0; i < oids.Length; i++)
            oids[i] = pool.Allocate((ulong)(1 + (i * 211 % 9000)), (ulong)(i % 5));
        pool.Allocate(3 << 20, 15);
        for (int i = 0; i < oids.Length; i += 3)
            pool.Free(ref oids[i]);
        return path;
    }

    private static (uint Chunk, ulong Header) FindChunk(string path, ChunkType type)
    {
        for (uint c = 0; c < 240;)
        {
            ulong h = PeekU64(path, ChunkHeaders + c * 8);
            if (ChunkHeader.TypeOf(h) == type)
                return (c, h);
            c += Math.Max(1, ChunkHeader.SizeIdxOf(h));
        }
        throw new InvalidOperationException($"no {type} chunk");
    }

    [Fact]
    public void Populated_pools_from_c_and_from_us_pass_both_checkers_and_libpmemobj()
    {
        using var dir = new TempPoolDirectory();
        foreach (string path in new[] { MakeCPool(dir), MakeOurPool(dir) })
        {
            CheckReport ours = ObjPoolCheck.Run(path, "lay");
            Assert.True(ours.IsConsistent, string.Join("\n", ours.Problems));
            Assert.Equal(1, NativeObj.pmemobj_check(path, "lay"));
            Assert.Equal(0, PmempoolCli.Run("check", path).ExitCode);
            CliResult cli = RunOurs("check", "-v", path);
            Assert.True(cli.ExitCode == 0, cli.Output);
            Assert.Contains("heap correct", cli.Output, StringComparison.Ordinal);
            Assert.False(ObjPoolCheck.Run(path, "other").IsConsistent);
        }
    }

    [Fact]
    public void Pool_after_c_transactions_with_undo_extensions_passes_our_checker()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("tx.obj");
        nint pop = NativeObj.pmemobj_create(path, "lay", 64 << 20, 0b110_110_100);
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        try
        {
            NativeOid root = NativeObj.pmemobj_root(pop, 200000);
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(0, NativeTx.pmemobj_tx_begin(pop, 0, 0));
                Assert.Equal(0, NativeTx.pmemobj_tx_add_range(root.PoolUuidLo, root.Off, 0, 150000)); // needs undo extensions
                for (int i = 0; i < 100; i++)
                    Assert.NotEqual(0UL, NativeTx.pmemobj_tx_alloc((nuint)(1000 + (i * 10)), 3));
                NativeTx.pmemobj_tx_commit();
                Assert.Equal(0, NativeTx.pmemobj_tx_end());
            }
        }
        finally
        {
            NativeObj.pmemobj_close(pop);
        }
        Assert.NotEqual(0UL, PeekU64(path, 0x2000 + 960 + 8)); // lane 0 keeps its first undo extension
        CheckReport ours = ObjPoolCheck.Run(path, "lay");
        Assert.True(ours.IsConsistent, string.Join("\n", ours.Problems));
        Assert.Equal(1, NativeObj.pmemobj_check(path, "lay"));

        // The kept extension must be an allocated object: pointing the link elsewhere is reported.
        Poke(path, 0x2000 + 960 + 8, BitConverter.GetBytes(PeekU64(path, 0x2000 + 960 + 8) + 4096));
        Assert.Contains(ObjPoolCheck.Run(path).Problems, p => p.Contains("ulog.next", StringComparison.Ordinal));
    }

    [Fact]
    public void Info_matches_debian_for_c_made_and_our_pools()
    {
        using var dir = new TempPoolDirectory();
        string fresh = dir.File("fresh.obj");
        Assert.Equal(0, RunOurs("create", "--layout", "my layout", "obj", fresh).ExitCode);
        Assert.Equal(8L << 20, new FileInfo(fresh).Length);
        foreach (string path in new[] { MakeCPool(dir), MakeOurPool(dir), fresh })
        {
            foreach (string[] args in new[] { new[] { "info", path }, ["info", "-v", path], ["info", "-H", path], ["info", "-HZ", path], ["info", "-HZC", path], ["info", "-HC", path] })
            {
                CliResult theirs = PmempoolCli.Run(args);
                Assert.Equal(0, theirs.ExitCode);
                Assert.Equal(theirs.Output, RunOurs(args).Output);
            }
        }
        Assert.Equal(1, RunOurs("info", "-Z", fresh).ExitCode); // needs -H, -s or -O, as in PMDK
    }

    [Fact]
    public void Created_obj_opens_in_libpmemobj_with_its_layout()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.obj");
        CliResult r = RunOurs("create", "-s", "20M", "-l", "app", "obj", path);
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Equal(20L << 20, new FileInfo(path).Length);
        nint pop = NativeObj.pmemobj_open(path, "app");
        Assert.True(pop != 0, NativeObj.ErrorMessage());
        NativeObj.pmemobj_close(pop);
        Assert.Equal(1, RunOurs("create", "-s", "1M", "obj", dir.File("small")).ExitCode);
        Assert.Equal(0, RunOurs("rm", path).ExitCode);
        Assert.False(File.Exists(path));
    }

    public static TheoryData<string, string> Damage => new()
    {
        { "descriptor checksum", "pmemobj.checksum" },
        { "chunk type", "chunk_header.type" },
        { "zone magic", "zone_header.magic" },
        { "run bitmap bit", "allocation_header.size" },
        { "run bitmap padding", "run bitmap" },
        { "allocation header size", "allocation_header.size" },
        { "huge allocation header", "allocation_header.size" },
        { "run data header", "chunk_header in a run" },
        { "root offset", "pmemobj.root_offset" },
        { "undo capacity", "ulog.capacity" },
    };

    [Theory, MemberData(nameof(Damage))]
    public void Damaged_c_pool_is_reported_with_the_field_and_exit_code_1(string what, string field)
    {
        using var dir = new TempPoolDirectory();
        string path = MakeCPool(dir);
        (uint run, ulong runHeader) = FindChunk(path, ChunkType.Run);
        long runStart = Chunk0 + run * ChunkSize;
        switch (what)
        {
            case "descriptor checksum":
                Poke(path, 0x1000 + 10, [0x55]);
                break;
            case "chunk type":
                Poke(path, ChunkHeaders + run * 8, [9, 0]);
                break;
            case "zone magic":
                Poke(path, Zone0, [0x11, 0x22, 0x33, 0x44]);
                break;
            case "run bitmap bit":
                {
                    // Mark a free block of the run used: it has no valid allocation header.
                    ulong w0 = PeekU64(path, runStart + 16);
                    int bit = System.Numerics.BitOperations.TrailingZeroCount(~w0);
                    Poke(path, runStart + 16, BitConverter.GetBytes(w0 | (1UL << bit)));
                    break;
                }
            case "run bitmap padding":
                {
                    Assert.Equal(128UL, PeekU64(path, Chunk0 + FindRunOfUnit(path, 128) * ChunkSize)); // 128-byte class: 38 words, 32 used
                    Poke(path, Chunk0 + FindRunOfUnit(path, 128) * ChunkSize + 16 + 37 * 8, [0]);
                    break;
                }
            case "allocation header size":
                {
                    ulong w0 = PeekU64(path, runStart + 16);
                    Assert.NotEqual(0UL, w0 & 1);
                    ulong unit = PeekU64(path, runStart);
                    long dataStart = runStart + (unit == 128 ? 320 : unit is 192 ? 192 : unit is 320 or 448 ? 128 : 64);
                    Poke(path, dataStart, BitConverter.GetBytes(12345UL));
                    break;
                }
            case "huge allocation header":
                {
                    (uint used, _) = FindChunk(path, ChunkType.Used);
                    Poke(path, Chunk0 + used * ChunkSize, BitConverter.GetBytes(ChunkSize));
                    break;
                }
            case "run data header":
                {
                    uint multi = FindMultiChunkRun(path);
                    Poke(path, ChunkHeaders + (multi + 1) * 8, BitConverter.GetBytes(ChunkHeader.Pack(ChunkType.RunData, 0, 7)));
                    break;
                }
            case "root offset":
                Poke(path, 0x1800, BitConverter.GetBytes(PeekU64(path, 0x1800) + 64));
                break;
            case "undo capacity":
                Poke(path, 0x2000 + 5 * 3072 + 960 + 16, BitConverter.GetBytes(4096UL));
                break;
        }
        _ = runHeader;
        CheckReport ours = ObjPoolCheck.Run(path);
        Assert.False(ours.IsConsistent);
        Assert.True(ours.Problems.Any(p => p.Contains(field, StringComparison.Ordinal)), $"{what}: {string.Join(" | ", ours.Problems)}");
        CliResult cli = RunOurs("check", path);
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains(field, cli.Output, StringComparison.Ordinal);
        Assert.EndsWith(": not consistent\n", cli.Output, StringComparison.Ordinal);
        CliResult fix = RunOurs("check", "-r", "-y", path);
        Assert.Equal(1, fix.ExitCode);
        Assert.Contains("cannot repair", fix.Output, StringComparison.Ordinal);
    }

    private static uint FindRunOfUnit(string path, ulong unit)
    {
        for (uint c = 0; c < 240;)
        {
            ulong h = PeekU64(path, ChunkHeaders + c * 8);
            if (ChunkHeader.TypeOf(h) == ChunkType.Run && PeekU64(path, Chunk0 + c * ChunkSize) == unit)
                return c;
            c += Math.Max(1, ChunkHeader.SizeIdxOf(h));
        }
        throw new InvalidOperationException($"no run of {unit}");
    }

    private static uint FindMultiChunkRun(string path)
    {
        for (uint c = 0; c < 240;)
        {
            ulong h = PeekU64(path, ChunkHeaders + c * 8);
            if (ChunkHeader.TypeOf(h) == ChunkType.Run && ChunkHeader.SizeIdxOf(h) > 1)
                return c;
            c += Math.Max(1, ChunkHeader.SizeIdxOf(h));
        }
        throw new InvalidOperationException("no multi-chunk run");
    }

    [Fact]
    public void Pool_that_debian_rejects_is_rejected_by_ours()
    {
        using var dir = new TempPoolDirectory();
        string path = MakeCPool(dir);
        Poke(path, 200, [0x77]); // pool header checksum
        Assert.Equal(1, PmempoolCli.Run("check", path).ExitCode);
        Assert.Equal(1, RunOurs("check", path).ExitCode);
        Assert.False(ObjPoolCheck.Run(path).IsConsistent);
    }
}
