// Round trips with Debian's libpmemblk 1.12.1 and pmempool: both directions, byte-identical BTT, crash recovery, bad input.
using System.Buffers.Binary;
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Blk.Tests;

public class CompatTests
{
    private const long MinPool = (16L << 20) + 8192;
    private const int Ns = 8192; // the BTT namespace starts here

    private static byte[] Pattern(int size, int seed)
    {
        byte[] b = new byte[size];
        new Random(seed).NextBytes(b);
        return b;
    }

    private static void AssertPmempoolConsistent(string path)
    {
        (int code, string output) = Pmempool.Run("check", "-v", path);
        Assert.True(code == 0, $"pmempool check {path} exited {code}: {output}");
        Assert.Contains("consistent", output, StringComparison.Ordinal);
    }

    [Fact]
    public void PoolWrittenByUsOpensAndReadsInC()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("ours.blk");
        using (PmemBlk blk = PmemBlk.Create(path, 512, MinPool))
            Assert.Equal(32_202, blk.BlockCount);
        AssertPmempoolConsistent(path); // no layout yet
        using (PmemBlk blk = PmemBlk.Open(path))
        {
            for (int i = 0; i < 50; i++)
                blk.Write(i * 7, Pattern(512, i));
            blk.Write(blk.BlockCount - 1, Pattern(512, 1000));
            blk.SetZero(7);
            blk.SetError(14);
        }
        AssertPmempoolConsistent(path);
        Assert.Equal(1, NativeBlk.Check(path, 512));

        using (NativeBlk c = NativeBlk.Open(path, 0))
        {
            Assert.Equal(512UL, c.BlockSize);
            Assert.Equal(32_202UL, c.BlockCount);
            byte[] buf = new byte[512];
            for (int i = 0; i < 50; i++)
            {
                if (i is 1 or 2)
                    continue;
                c.Read(i * 7, buf);
                Assert.Equal(Pattern(512, i), buf);
            }
            c.Read(7, buf);
            Assert.All(buf, b => Assert.Equal(0, b));
            Assert.Equal(5, c.TryRead(14, buf));
            c.Read(32_201, buf);
            Assert.Equal(Pattern(512, 1000), buf);
            c.Write(3, Pattern(512, 3333));
        }
        using PmemBlk again = PmemBlk.Open(path, 512);
        byte[] back = new byte[512];
        again.Read(3, back);
        Assert.Equal(Pattern(512, 3333), back);
    }

    [Fact]
    public void PoolWrittenByCOpensAndReadsInOurs()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("c.blk");
        ulong nblock;
        using (NativeBlk c = NativeBlk.Create(path, 4096, 20UL << 20))
        {
            nblock = c.BlockCount;
            for (int i = 0; i < 40; i++)
                c.Write(i * 3, Pattern(4096, i));
            c.SetZero(3);
            c.SetError(6);
        }
        Assert.True(PmemBlk.Check(path, 4096));
        using (PmemBlk blk = PmemBlk.Open(path))
        {
            Assert.Equal(4096, blk.BlockSize);
            Assert.Equal((long)nblock, blk.BlockCount);
            byte[] buf = new byte[4096];
            for (int i = 0; i < 40; i++)
            {
                if (i is 1 or 2)
                    continue;
                blk.Read(i * 3, buf);
                Assert.Equal(Pattern(4096, i), buf);
            }
            blk.Read(3, buf);
            Assert.All(buf, b => Assert.Equal(0, b));
            Assert.Throws<PmemIOException>(() => blk.Read(6, buf));
            blk.Write(6, Pattern(4096, 66));
        }
        AssertPmempoolConsistent(path);
        using NativeBlk c2 = NativeBlk.Open(path, 4096);
        byte[] back = new byte[4096];
        c2.Read(6, back);
        Assert.Equal(Pattern(4096, 66), back);
    }

    [Fact]
    public void PmempoolCreateWithLayoutOpensInOurs()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("w.blk");
        (int code, string output) = Pmempool.Run("create", "-w", "blk", "512", path);
        Assert.True(code == 0, output);
        using PmemBlk blk = PmemBlk.Open(path, 512);
        Assert.Equal(32_202, blk.BlockCount);
        byte[] buf = new byte[512];
        blk.Read(0, buf);
        Assert.All(buf, b => Assert.Equal(0, b));
    }

    /// <summary>Spec §10.2 step 4: same operations on the same lanes give the same BTT bytes.</summary>
    [Fact]
    public void SameOperationsGiveByteIdenticalNamespace()
    {
        using var dir = new TempPoolDirectory();
        string cPath = dir.File("c.blk"), ourPath = dir.File("ours.blk");
        int lanes = 2 * OnlineCpus();
        var ops = new List<(char Op, long Block, int Seed)>();
        var rnd = new Random(42);
        for (int i = 0; i < 300; i++)
            ops.Add((rnd.Next(10) switch { 0 => 'r', 1 => 'z', 2 => 'e', _ => 'w' }, rnd.Next(64), i));

        using (NativeBlk c = NativeBlk.Create(cPath, 512, (ulong)MinPool))
        {
            byte[] buf = new byte[512];
            foreach ((char op, long block, int seed) in ops)
            {
                switch (op)
                {
                    case 'w': c.Write(block, Pattern(512, seed)); break;
                    case 'z': c.SetZero(block); break;
                    case 'e': c.SetError(block); break;
                    default: _ = c.TryRead(block, buf); break;
                }
            }
        }
        using (PmemBlk blk = PmemBlk.Create(ourPath, 512, MinPool, new PmemBlkOptions { MaxLanes = lanes, LaneSelection = BlkLaneSelection.RoundRobin }))
        {
            Assert.Equal(lanes, blk.LaneCount);
            byte[] buf = new byte[512];
            foreach ((char op, long block, int seed) in ops)
            {
                switch (op)
                {
                    case 'w': blk.Write(block, Pattern(512, seed)); break;
                    case 'z': blk.SetZero(block); break;
                    case 'e': blk.SetError(block); break;
                    default:
                        try
                        {
                            blk.Read(block, buf);
                        }
                        catch (PmemIOException)
                        {
                        }
                        break;
                }
            }
        }

        byte[] a = File.ReadAllBytes(cPath), b = File.ReadAllBytes(ourPath);
        Assert.Equal(a.Length, b.Length);
        Assert.Equal(a.AsSpan(4096, 8).ToArray(), b.AsSpan(4096, 8).ToArray()); // bsize, is_zeroed
        ulong infoOff = BinaryPrimitives.ReadUInt64LittleEndian(a.AsSpan(Ns + 112));
        foreach (byte[] f in new[] { a, b })
        {
            foreach (int info in new[] { Ns, Ns + (int)infoOff })
            {
                f.AsSpan(info + 16, 32).Clear();
                f.AsSpan(info + 4088, 8).Clear();
            }
        }
        int diff = FirstDifference(a.AsSpan(Ns), b.AsSpan(Ns));
        Assert.True(diff < 0, $"namespaces differ at namespace offset 0x{diff:x}");
    }

    [Fact]
    public void InterruptedMapUpdateRecoversLikeC()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("torn.blk");
        using (NativeBlk c = NativeBlk.Create(path, 512, (ulong)MinPool))
        {
            c.Write(7, Pattern(512, 1)); // lane 0
            c.Write(7, Pattern(512, 2)); // lane 1
        }
        // Crash after the flog update of the second write: the map still holds the old entry.
        byte[] f = File.ReadAllBytes(path);
        (ulong mapOff, ulong flogOff) = Offsets(f);
        var cur = ReadFlog(f, flogOff + 64 + 16); // lane 1, entry 1 (seq 2)
        Assert.Equal((7U, 2U), (cur.Lba, cur.Seq));
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(Ns + (int)mapOff + 7 * 4), cur.OldMap);
        string ours = dir.File("ours.blk"), theirs = dir.File("theirs.blk");
        File.WriteAllBytes(ours, f);
        File.WriteAllBytes(theirs, f);
        AssertPmempoolConsistent(ours);
        Assert.True(PmemBlk.Check(ours)); // recovery runs in a private mapping: the file stays as it is
        Assert.Equal(f, File.ReadAllBytes(ours));

        byte[] buf = new byte[512];
        using (PmemBlk blk = PmemBlk.Open(ours))
        {
            blk.Read(7, buf);
            Assert.Equal(Pattern(512, 2), buf);
        }
        Assert.Equal(cur.NewMap, BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(ours).AsSpan(Ns + (int)mapOff + 7 * 4)));
        using NativeBlk c2 = NativeBlk.Open(theirs);
        c2.Read(7, buf);
        Assert.Equal(Pattern(512, 2), buf);
    }

    [Fact]
    public void InterruptedFlogUpdateKeepsOldDataLikeC()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("torn2.blk");
        using (NativeBlk c = NativeBlk.Create(path, 512, (ulong)MinPool))
        {
            c.Write(7, Pattern(512, 1)); // lane 0
            c.Write(7, Pattern(512, 2)); // lane 1: its entry 1 was all zero before
        }
        byte[] f = File.ReadAllBytes(path);
        (ulong mapOff, ulong flogOff) = Offsets(f);
        var cur = ReadFlog(f, flogOff + 64 + 16);
        f.AsSpan(Ns + (int)flogOff + 64 + 16 + 8, 8).Clear(); // {new_map, seq} never landed
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(Ns + (int)mapOff + 7 * 4), cur.OldMap);
        string ours = dir.File("ours.blk"), theirs = dir.File("theirs.blk");
        File.WriteAllBytes(ours, f);
        File.WriteAllBytes(theirs, f);

        // Debian's pmempool check calls the torn never-used half invalid; C rewrites it at the lane's next write, our
        // open restores it to zeros (a thread-affine lane might not be written again soon).
        Assert.NotEqual(0, Pmempool.Run("check", "-v", theirs).ExitCode);
        using (PmemBlk.Open(ours))
        {
        }
        AssertPmempoolConsistent(ours);

        byte[] buf = new byte[512];
        using (PmemBlk blk = PmemBlk.Open(ours))
        {
            blk.Read(7, buf);
            Assert.Equal(Pattern(512, 1), buf);
            blk.Write(7, Pattern(512, 3));
        }
        Assert.True(PmemBlk.Check(ours));
        AssertPmempoolConsistent(ours);
        using (PmemBlk blk = PmemBlk.Open(ours))
        {
            blk.Read(7, buf);
            Assert.Equal(Pattern(512, 3), buf);
        }
        using NativeBlk c2 = NativeBlk.Open(theirs);
        c2.Read(7, buf);
        Assert.Equal(Pattern(512, 1), buf);
    }

    [Fact]
    public void CorruptedBttInfoIsAClearErrorAndFileUntouched()
    {
        string path = CPoolWithData(out TempPoolDirectory dir);
        using (dir)
        {
            byte[] f = File.ReadAllBytes(path);
            f[Ns + 200] ^= 0x55;
            File.WriteAllBytes(path, f);
            var e = Assert.Throws<PoolCorruptedException>(() => PmemBlk.Open(path));
            Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Equal(f, File.ReadAllBytes(path));
            Assert.Throws<PoolCorruptedException>(() => PmemBlk.Check(path));
        }
    }

    [Fact]
    public void CorruptedFlogIsAClearErrorLikeC()
    {
        string path = CPoolWithData(out TempPoolDirectory dir);
        using (dir)
        {
            byte[] f = File.ReadAllBytes(path);
            (_, ulong flogOff) = Offsets(f);
            BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(Ns + (int)flogOff + 64 * 5), 0x00FFFFFF); // lane 5 lba
            File.WriteAllBytes(path, f);
            var e = Assert.Throws<PoolCorruptedException>(() => PmemBlk.Open(path));
            Assert.Contains("flog", e.Message, StringComparison.Ordinal);
            Assert.Equal(f, File.ReadAllBytes(path));
            Assert.Null(NativeBlk.TryOpen(path, 0, out _));
        }
    }

    [Fact]
    public void TruncatedFileIsAClearErrorAndFileUntouched()
    {
        string path = CPoolWithData(out TempPoolDirectory dir);
        using (dir)
        {
            using (var fs = new FileStream(path, FileMode.Open))
                fs.SetLength(10 << 20);
            byte[] f = File.ReadAllBytes(path);
            var e = Assert.Throws<PoolCorruptedException>(() => PmemBlk.Open(path));
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
            Assert.Equal(f, File.ReadAllBytes(path));
            using (var fs = new FileStream(path, FileMode.Open))
                fs.SetLength(1000);
            Assert.Throws<PoolCorruptedException>(() => PmemBlk.Open(path));
        }
    }

    [Fact]
    public void BadHeaderAndWrongBsizeAreClearErrors()
    {
        string path = CPoolWithData(out TempPoolDirectory dir);
        using (dir)
        {
            Assert.Contains("wrong bsize", Assert.Throws<PmemException>(() => PmemBlk.Open(path, 512)).Message, StringComparison.Ordinal);
            byte[] f = File.ReadAllBytes(path);
            f[60] ^= 1; // inside the checksummed part of the header
            File.WriteAllBytes(path, f);
            Assert.Contains("checksum", Assert.Throws<PoolCorruptedException>(() => PmemBlk.Open(path)).Message, StringComparison.Ordinal);
            Assert.Equal(f, File.ReadAllBytes(path));

            string log = dir.File("x.log");
            Assert.Equal(0, Pmempool.Run("create", "log", log).ExitCode);
            Assert.Contains("wrong pool type", Assert.Throws<PoolCorruptedException>(() => PmemBlk.Open(log)).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PoolSetOfTwoPartsWorksBothWays()
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("p.set");
        File.WriteAllText(set, $"PMEMPOOLSET\n10M {dir.File("p0")}\n10M {dir.File("p1")}\n");
        using (PmemBlk blk = PmemBlk.Create(set, 4096, 0))
        {
            Assert.Equal(4_849, blk.BlockCount);
            blk.Write(4_848, Pattern(4096, 48)); // BTT map, flog and backup info lie in part 1
            blk.Write(0, Pattern(4096, 0));
        }
        AssertPmempoolConsistent(set);
        using (NativeBlk c = NativeBlk.Open(set, 4096))
        {
            Assert.Equal(4_849UL, c.BlockCount);
            byte[] buf = new byte[4096];
            c.Read(4_848, buf);
            Assert.Equal(Pattern(4096, 48), buf);
            c.Write(100, Pattern(4096, 100));
        }
        using PmemBlk again = PmemBlk.Open(set, 4096);
        byte[] back = new byte[4096];
        again.Read(100, back);
        Assert.Equal(Pattern(4096, 100), back);
    }

    private static string CPoolWithData(out TempPoolDirectory dir)
    {
        dir = new TempPoolDirectory();
        string path = dir.File("c.blk");
        using NativeBlk c = NativeBlk.Create(path, 4096, 20UL << 20);
        for (int i = 0; i < 10; i++)
            c.Write(i, Pattern(4096, i));
        return path;
    }

    private static (ulong MapOff, ulong FlogOff) Offsets(byte[] f) =>
        (BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(Ns + 96)), BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(Ns + 104)));

    private static (uint Lba, uint OldMap, uint NewMap, uint Seq) ReadFlog(byte[] f, ulong off)
    {
        ReadOnlySpan<byte> e = f.AsSpan(Ns + (int)off, 16);
        return (BinaryPrimitives.ReadUInt32LittleEndian(e), BinaryPrimitives.ReadUInt32LittleEndian(e[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(e[8..]), BinaryPrimitives.ReadUInt32LittleEndian(e[12..]));
    }

    private static int FirstDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int n = a.CommonPrefixLength(b);
        return n == a.Length && a.Length == b.Length ? -1 : n;
    }

    private static int OnlineCpus()
    {
        // sysconf(_SC_NPROCESSORS_ONLN) counts /sys/devices/system/cpu/online, e.g. "0-1" or "0,2-3".
        string text = File.ReadAllText("/sys/devices/system/cpu/online").Trim();
        int count = 0;
        foreach (string part in text.Split(','))
        {
            string[] range = part.Split('-');
            count += range.Length == 1 ? 1 : int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture) - int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture) + 1;
        }
        return count;
    }
}
