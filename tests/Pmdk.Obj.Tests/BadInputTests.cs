// Damaged, foreign and too-small files, wrong layouts and a full pool (spec §2.4, §5.9).
using System.Buffers.Binary;
using Pmdk.Testing;

namespace Pmdk.Obj.Tests;

public class BadInputTests
{
    private static string MakePool(TempPoolDirectory dir, string name = "p.pool")
    {
        string path = dir.File(name);
        using (ObjPool pool = ObjPool.Create(path, "bad", 8 << 20))
            pool.Allocate(100, 1);
        return path;
    }

    private static void Patch(string path, long offset, ulong value)
    {
        using FileStream fs = File.OpenWrite(path);
        fs.Position = offset;
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        fs.Write(b);
    }

    [Fact]
    public void Out_of_heap_references_are_refused_even_when_offset_plus_displacement_wraps()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Open(MakePool(dir), "bad");
        PmemOid o = pool.First();
        Assert.Throws<ArgumentException>(() => pool.Ref<ulong>(new PmemOid(pool.UuidLo, ulong.MaxValue - 0xFFF), 0x2000));
        Assert.Throws<ArgumentException>(() => pool.Ref<ulong>(new PmemOid(pool.UuidLo, pool.HeapOffset + pool.HeapSize), 0));
        Assert.Throws<ArgumentException>(() => pool.Ref<ulong>(new PmemOid(pool.UuidLo ^ 1, o.Offset), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Ref<ulong>(o, pool.HeapSize));
        Assert.Throws<ArgumentException>(() => pool.Ref<ulong>(PmemOid.Null));
        pool.Ref<ulong>(o, 8) = 7;
        Assert.Equal(7UL, pool.Ref<ulong>(o, 8));
    }

    [Fact]
    public void Wrong_layout_is_refused_with_a_clear_message()
    {
        using var dir = new TempPoolDirectory();
        string path = MakePool(dir);
        var e = Assert.Throws<PoolCorruptedException>(() => ObjPool.Open(path, "other"));
        Assert.Contains("layout", e.Message);
        using ObjPool ok = ObjPool.Open(path, null);
        Assert.Equal("bad", ok.Layout);
    }

    [Fact]
    public void Corrupted_descriptor_is_refused()
    {
        using var dir = new TempPoolDirectory();
        string path = MakePool(dir);
        Assert.True(ObjPool.Check(path, "bad"));
        Assert.False(ObjPool.Check(path, "other"));
        Patch(path, 0x1408, 7);
        Assert.False(ObjPool.Check(path, "bad", out string? why));
        Assert.Contains("descriptor", why);
        var e = Assert.Throws<PoolCorruptedException>(() => ObjPool.Open(path, "bad"));
        Assert.Contains("descriptor", e.Message);
    }

    [Fact]
    public void Corrupted_heap_header_is_refused()
    {
        using var dir = new TempPoolDirectory();
        string path = MakePool(dir);
        Patch(path, 0x302000 + 40, 12345);
        Assert.False(ObjPool.Check(path, null));
        var e = Assert.Throws<PoolCorruptedException>(() => ObjPool.Open(path, "bad"));
        Assert.Contains("heap", e.Message);
    }

    [Fact]
    public void Corrupted_chunk_header_is_refused()
    {
        using var dir = new TempPoolDirectory();
        string path = MakePool(dir);
        Patch(path, 0x302000 + 1024 + 64, 0x0000_0001_0000_0009UL); // type 9
        Assert.Throws<PoolCorruptedException>(() => ObjPool.Open(path, "bad"));
        Patch(path, 0x302000 + 1024 + 64, 0x0000_FFFF_0000_0002UL); // size beyond the zone
        Assert.Throws<PoolCorruptedException>(() => ObjPool.Open(path, "bad"));
    }

    [Fact]
    public void Garbage_redo_target_is_rejected_not_dereferenced()
    {
        using var dir = new TempPoolDirectory();
        string path = MakePool(dir);
        // A well-formed external redo log in lane 0 whose entries point far outside the pool.
        byte[] log = new byte[64 + 64];
        BinaryPrimitives.WriteUInt64LittleEndian(log.AsSpan(16), 64);
        BinaryPrimitives.WriteUInt64LittleEndian(log.AsSpan(64), 0x1000_0000_0000UL);
        BinaryPrimitives.WriteUInt64LittleEndian(log.AsSpan(72), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(log.AsSpan(80), 0x1000_0000_0008UL);
        BinaryPrimitives.WriteUInt64LittleEndian(log.AsSpan(88), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(log, Pmdk.Pool.Fletcher64.Compute(log.AsSpan(0, 64 + 32), 0));
        using (FileStream fs = File.OpenWrite(path))
        {
            fs.Position = 0x2000 + 256;
            fs.Write(log);
        }
        Assert.Throws<PoolCorruptedException>(() => ObjPool.Open(path, "bad"));
    }

    [Fact]
    public void Too_small_and_foreign_files_are_refused()
    {
        using var dir = new TempPoolDirectory();
        string small = dir.File("small");
        File.WriteAllBytes(small, new byte[4096]);
        Assert.Throws<PoolCorruptedException>(() => ObjPool.Open(small, null));
        Assert.Throws<PmemException>(() => ObjPool.Create(dir.File("tiny"), null, 4 << 20));
        string zero = dir.File("zero");
        File.WriteAllBytes(zero, new byte[8 << 20]);
        Assert.Throws<PoolCorruptedException>(() => ObjPool.Open(zero, null));
        Assert.ThrowsAny<PmemException>(() => ObjPool.Open(dir.File("missing"), null));
    }

    [Fact]
    public void Second_open_of_an_open_pool_is_refused()
    {
        using var dir = new TempPoolDirectory();
        string path = MakePool(dir);
        using ObjPool pool = ObjPool.Open(path, "bad");
        var e = Assert.Throws<PmemIOException>(() => ObjPool.Open(path, "bad"));
        Assert.Equal(PmemErrorCode.PoolLocked, e.Code);
    }

    [Fact]
    public void Full_pool_throws_and_is_usable_after_frees()
    {
        using var dir = new TempPoolDirectory();
        using ObjPool pool = ObjPool.Create(dir.File("full.pool"), null, 8 << 20);
        var small = new List<PmemOid>();
        Assert.Throws<PoolFullException>((Action)(() =>
        {
            while (true)
                small.Add(pool.Allocate(1000, 1));
        }));
        Assert.True(small.Count > 3000);
        foreach (PmemOid o in small)
        {
            PmemOid x = o;
            pool.Free(ref x);
        }
        // Freed runs return to chunks: a huge object fits again.
        PmemOid big = pool.Allocate(3 << 20, 2);
        Assert.False(big.IsNull);
        Assert.Single(pool.Objects());
    }
}
