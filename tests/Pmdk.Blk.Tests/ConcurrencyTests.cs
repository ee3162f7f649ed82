// Many threads on one pool: different blocks and the same blocks; every read sees a whole block, old or new.
using Pmdk.Testing;
using Pmdk.Testing.Oracle;

namespace Pmdk.Blk.Tests;

public class ConcurrencyTests
{
    private const long MinPool = (16L << 20) + 8192;
    private const int Bsize = 4096;

    /// <summary>A block whose every 8-byte word is the same stamp; a torn block would mix stamps.</summary>
    private static void Fill(Span<byte> block, long stamp)
    {
        for (int i = 0; i < block.Length; i += 8)
            BitConverter.TryWriteBytes(block[i..], stamp);
    }

    private static long StampOf(ReadOnlySpan<byte> block)
    {
        long first = BitConverter.ToInt64(block);
        for (int i = 8; i < block.Length; i += 8)
        {
            long w = BitConverter.ToInt64(block[i..]);
            if (w != first)
                throw new Xunit.Sdk.XunitException($"torn block: word {i / 8} is {w}, word 0 is {first}");
        }
        return first;
    }

    [Fact]
    public void ThreadsOnDifferentBlocks()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("d.blk");
        const int threads = 8, perThread = 40, rounds = 5;
        using (PmemBlk blk = PmemBlk.Create(path, Bsize, 32L << 20))
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                byte[] buf = new byte[Bsize];
                for (int r = 0; r < rounds; r++)
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        long block = t * perThread + i;
                        Fill(buf, block * 1000 + r);
                        blk.Write(block, buf);
                        blk.Read(block, buf);
                        Assert.Equal(block * 1000 + r, StampOf(buf));
                    }
                }
            });
        }
        Assert.True(PmemBlk.Check(path));
        Assert.Equal(1, NativeBlk.Check(path, Bsize));
        using PmemBlk again = PmemBlk.Open(path);
        byte[] b = new byte[Bsize];
        for (long block = 0; block < threads * perThread; block++)
        {
            again.Read(block, b);
            Assert.Equal(block * 1000 + rounds - 1, StampOf(b));
        }
    }

    [Fact]
    public async Task ThreadsOnTheSameBlocksNeverSeeTornData()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("s.blk");
        const int writers = 4, readers = 4, hot = 3, writesPerThread = 300;
        var written = new System.Collections.Concurrent.ConcurrentDictionary<long, bool>();
        using (PmemBlk blk = PmemBlk.Create(path, Bsize, MinPool + (8 << 20)))
        {
            byte[] init = new byte[Bsize];
            for (int b = 0; b < hot; b++)
            {
                Fill(init, b);
                blk.Write(b, init);
                written[b] = true;
            }
            int done = 0;
            var tasks = new List<Task>();
            for (int w = 0; w < writers; w++)
            {
                int id = w;
                tasks.Add(Task.Run(() =>
                {
                    byte[] buf = new byte[Bsize];
                    for (int i = 0; i < writesPerThread; i++)
                    {
                        long block = i % hot;
                        long stamp = ((long)(id + 1) << 32) | ((long)i << 4) | block;
                        written[stamp] = true;
                        Fill(buf, stamp);
                        if (i % 50 == 49)
                            blk.SetZero(block);
                        else
                            blk.Write(block, buf);
                    }
                    Interlocked.Increment(ref done);
                }));
            }
            for (int r = 0; r < readers; r++)
            {
                tasks.Add(Task.Run(() =>
                {
                    byte[] buf = new byte[Bsize];
                    int reads = 0;
                    while (Volatile.Read(ref done) < writers || reads < 100)
                    {
                        long block = reads++ % hot;
                        blk.Read(block, buf);
                        long stamp = StampOf(buf);
                        Assert.True(stamp == 0 || ((stamp & 0xF) == block && written.ContainsKey(stamp)), $"block {block} holds unknown stamp {stamp:x}");
                    }
                }));
            }
            await Task.WhenAll(tasks);
        }
        Assert.True(PmemBlk.Check(path));
        (int code, string output) = Pmempool.Run("check", path);
        Assert.True(code == 0, output);
    }
}
