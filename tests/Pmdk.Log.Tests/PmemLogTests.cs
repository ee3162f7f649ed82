// pmemlog API behaviour: append, appendv, tell, rewind, walk, read, full log, reopen (PMDK: libpmemlog/log.c).
using System.Text;
using Pmdk.Pmem;
using Pmdk.Pool;
using Pmdk.Testing;

namespace Pmdk.Log.Tests;

public class PmemLogTests
{
    private const ulong MiB = 1 << 20;

    public static TheoryData<PoolBackend> Backends => [PoolBackend.Shm, PoolBackend.Disk];

    [Theory, MemberData(nameof(Backends))]
    public void Append_tell_walk_and_reopen(PoolBackend backend)
    {
        using var dir = new TempPoolDirectory(backend);
        string path = dir.File("a.log");
        using (PmemLog log = PmemLog.Create(path, 2 * MiB))
        {
            Assert.Equal(2_088_960L, log.Capacity);
            Assert.Equal(0L, log.WriteOffset);
            log.Append("hello "u8);
            log.Append("world"u8);
            Assert.Equal(11L, log.WriteOffset);
        }
        using (PmemLog log = PmemLog.Open(path))
        {
            Assert.Equal(11L, log.WriteOffset);
            var sb = new StringBuilder();
            log.Walk(0, chunk => { sb.Append(Encoding.ASCII.GetString(chunk)); return true; });
            Assert.Equal("hello world", sb.ToString());
        }
    }

    [Fact]
    public void Walk_in_chunks_stops_when_callback_returns_false()
    {
        using var dir = new TempPoolDirectory();
        using PmemLog log = PmemLog.Create(dir.File("a.log"));
        log.Append("abcdefghij"u8);
        var chunks = new List<string>();
        log.Walk(4, c => { chunks.Add(Encoding.ASCII.GetString(c)); return true; });
        Assert.Equal(["abcd", "efgh", "ij"], chunks);
        chunks.Clear();
        log.Walk(4, c => { chunks.Add(Encoding.ASCII.GetString(c)); return false; });
        Assert.Equal(["abcd"], chunks);
    }

    [Theory]
    [InlineData(4, int.MaxValue, "abcd|efgh|ij")]
    [InlineData(5, int.MaxValue, "abcde|fghij")]
    [InlineData(3, 2, "abc|def")]
    [InlineData(20, int.MaxValue, "abcdefghij")]
    public void Struct_visitor_walk_sees_the_same_chunks_and_stops_when_told(int chunk, int limit, string expected)
    {
        using var dir = new TempPoolDirectory();
        using PmemLog log = PmemLog.Create(dir.File("a.log"));
        log.Append("abcdefghij"u8);
        var visitor = new CollectingVisitor(new List<string>(), limit);
        log.Walk((ulong)chunk, ref visitor);
        Assert.Equal(expected, string.Join('|', visitor.Chunks));
    }

    [Fact]
    public void Struct_visitor_state_is_updated_in_place_even_when_a_visit_throws()
    {
        using var dir = new TempPoolDirectory();
        using PmemLog log = PmemLog.Create(dir.File("a.log"));
        log.Append("abcdefghij"u8);
        var counter = new CountingVisitor { ThrowAt = -1 };
        log.Walk(3, ref counter);
        Assert.Equal((4, 10), (counter.Calls, counter.Bytes));

        var thrower = new CountingVisitor { ThrowAt = 3 };
        Assert.Throws<InvalidOperationException>(() => log.Walk(3, ref thrower));
        Assert.Equal((3, 9), (thrower.Calls, thrower.Bytes)); // the visits before the throw are kept
    }

    private struct CountingVisitor : ILogChunkVisitor
    {
        public int Calls;
        public int Bytes;
        public int ThrowAt;

        public bool Visit(ReadOnlySpan<byte> chunk)
        {
            if (Calls == ThrowAt)
                throw new InvalidOperationException("visitor failed");
            Calls++;
            Bytes += chunk.Length;
            return true;
        }
    }

    private readonly struct CollectingVisitor(List<string> chunks, int limit) : ILogChunkVisitor
    {
        public List<string> Chunks => chunks;

        public bool Visit(ReadOnlySpan<byte> chunk)
        {
            chunks.Add(Encoding.ASCII.GetString(chunk));
            return chunks.Count < limit;
        }
    }

    [Fact]
    public void Walk_with_chunk_zero_on_empty_log_calls_once_with_nothing()
    {
        using var dir = new TempPoolDirectory();
        using PmemLog log = PmemLog.Create(dir.File("a.log"));
        int calls = 0, total = 0;
        log.Walk(0, c => { calls++; total += c.Length; return true; });
        Assert.Equal((1, 0), (calls, total));
    }

    [Fact]
    public void Read_enumerates_chunks_without_copying()
    {
        using var dir = new TempPoolDirectory();
        using PmemLog log = PmemLog.Create(dir.File("a.log"));
        log.Append("0123456789"u8);
        var parts = new List<string>();
        foreach (ReadOnlySpan<byte> chunk in log.Read(3))
            parts.Add(Encoding.ASCII.GetString(chunk));
        Assert.Equal(["012", "345", "678", "9"], parts);
        int n = 0;
        foreach (ReadOnlySpan<byte> chunk in log.Read())
            n += chunk.Length;
        Assert.Equal(10, n);
    }

    [Fact]
    public void AppendV_is_all_or_nothing()
    {
        using var dir = new TempPoolDirectory();
        using PmemLog log = PmemLog.Create(dir.File("a.log"));
        log.AppendV("ab"u8.ToArray(), "cd"u8.ToArray(), ReadOnlyMemory<byte>.Empty, "e"u8.ToArray());
        Assert.Equal(5L, log.WriteOffset);
        log.AppendV(["x"u8.ToArray()]);
        byte[] big = new byte[log.Capacity - 6];
        Assert.Throws<PoolFullException>(() => log.AppendV("y"u8.ToArray(), big));
        Assert.Equal(6L, log.WriteOffset);
        log.AppendV(new List<ReadOnlyMemory<byte>> { big });
        Assert.Equal(log.Capacity, log.WriteOffset);
    }

    [Fact]
    public void Full_log_rejects_append_and_writes_nothing()
    {
        using var dir = new TempPoolDirectory();
        using PmemLog log = PmemLog.Create(dir.File("a.log"));
        byte[] fill = new byte[log.Capacity - 1];
        log.Append(fill);
        var e = Assert.Throws<PoolFullException>(() => log.Append("ab"u8));
        Assert.Contains("not enough space", e.Message, StringComparison.Ordinal);
        Assert.Equal(log.Capacity - 1, log.WriteOffset);
        log.Append("a"u8);
        Assert.Throws<PoolFullException>(() => log.Append("b"u8));
    }

    [Fact]
    public void Rewind_empties_the_log()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.log");
        using (PmemLog log = PmemLog.Create(path))
        {
            log.Append("abc"u8);
            log.Rewind();
            Assert.Equal(0L, log.WriteOffset);
            log.Append("z"u8);
        }
        using PmemLog again = PmemLog.Open(path);
        Assert.Equal(1L, again.WriteOffset);
    }

    [Fact]
    public void OpenOrCreate_creates_then_opens()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.log");
        using (PmemLog log = PmemLog.OpenOrCreate(path, 4 * MiB))
            log.Append("1"u8);
        using (PmemLog log = PmemLog.OpenOrCreate(path, 4 * MiB))
            Assert.Equal(1L, log.WriteOffset);
    }

    [Theory]
    [InlineData(false)] // /dev/shm is not DAX: page granularity, memcpy + msync
    [InlineData(true)]  // forced pmem: non-temporal stores and flushes, split at the part boundary
    public void Multi_part_log_appends_across_the_part_boundary(bool isPmemForce)
    {
        using var dir = new TempPoolDirectory();
        string set = dir.File("a.set");
        File.WriteAllText(set, $"PMEMPOOLSET\n2M {dir.File("p0")}\n2M {dir.File("p1")}\n");
        byte[] data = new byte[3 * MiB];
        new Random(7).NextBytes(data);
        using (PmemLog log = PmemLog.Create(set, 0, new PoolOptions { IsPmemForce = isPmemForce }))
        {
            Assert.Equal((long)(4 * MiB - 4096 - 8192), log.Capacity);
            log.Append(data);
        }
        using PmemLog again = PmemLog.Open(set);
        var ms = new MemoryStream();
        foreach (ReadOnlySpan<byte> c in again.Read(100_000))
            ms.Write(c);
        Assert.Equal(data, ms.ToArray());
    }

    [Fact]
    public void Concurrent_appends_are_serialised()
    {
        using var dir = new TempPoolDirectory();
        using PmemLog log = PmemLog.Create(dir.File("a.log"));
        Parallel.For(0, 8, i =>
        {
            byte[] rec = Enumerable.Repeat((byte)('a' + i), 100).ToArray();
            for (int k = 0; k < 50; k++)
                log.Append(rec);
        });
        Assert.Equal(8L * 50 * 100, log.WriteOffset);
        int records = 0;
        foreach (ReadOnlySpan<byte> c in log.Read(100))
        {
            Assert.False(c.ContainsAnyExcept(c[0]), "each 100-byte record must come from one append");
            records++;
        }
        Assert.Equal(400, records);
    }

    [Fact]
    public void Disposed_log_throws()
    {
        using var dir = new TempPoolDirectory();
        PmemLog log = PmemLog.Create(dir.File("a.log"));
        log.Dispose();
        log.Dispose();
        Assert.Throws<ObjectDisposedException>(() => log.Append("a"u8));
        Assert.Throws<ObjectDisposedException>(() => log.WriteOffset);
    }

    [Fact]
    public void Check_reports_consistency_without_writing()
    {
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.log");
        using (PmemLog log = PmemLog.Create(path))
            log.Append("x"u8);
        byte[] before = File.ReadAllBytes(path);
        Assert.True(PmemLog.Check(path));
        Assert.Equal(before, File.ReadAllBytes(path));
        LogFiles.Poke(path, 4112, 0x100);
        Assert.False(PmemLog.Check(path));
    }

    [Fact]
    public void Options_carry_a_persistence_provider()
    {
        using var dir = new TempPoolDirectory();
        var provider = new CountingProvider();
        using (PmemLog log = PmemLog.Create(dir.File("a.log"), 2 * MiB, new PoolOptions { PersistenceProvider = provider }))
            log.Append("abc"u8);
        Assert.True(provider.Persistence!.Calls > 0, "every store must go through the provider's persistence");
    }

    [Fact]
    public void Appended_bytes_are_copied_non_temporally_and_left_for_the_commit_fence()
    {
        using var dir = new TempPoolDirectory();
        var provider = new CountingProvider();
        using PmemLog log = PmemLog.Create(dir.File("a.log"), 2 * MiB, new PoolOptions { PersistenceProvider = provider });
        provider.Persistence!.CopyFlags.Clear(); // the header written at create
        log.Append(new byte[64]);
        log.AppendV(new byte[10], new byte[300]);
        Assert.Equal(
            [PmemFlags.NoDrain | PmemFlags.NonTemporal, PmemFlags.NoDrain | PmemFlags.NonTemporal, PmemFlags.NoDrain | PmemFlags.NonTemporal],
            provider.Persistence!.CopyFlags);
    }

    [Fact]
    public void Non_temporal_appends_of_any_size_and_alignment_read_back_exactly()
    {
        // Forced pmem takes the non-temporal path: whole lines are streamed, the partial lines at either end of an
        // append are stored and flushed, and appends of 1..200 bytes put every head and tail offset in a line.
        using var dir = new TempPoolDirectory();
        string path = dir.File("a.log");
        var expected = new List<byte>();
        using (PmemLog log = PmemLog.Create(path, 2 * MiB, new PoolOptions { IsPmemForce = true }))
        {
            for (int n = 1; n <= 200; n++)
            {
                byte[] data = [.. Enumerable.Range(0, n).Select(j => (byte)(n * 31 + j))];
                if (n % 3 == 0)
                    log.AppendV(data.AsMemory(0, n / 2), data.AsMemory(n / 2));
                else
                    log.Append(data);
                expected.AddRange(data);
            }
            var seen = new List<byte>();
            log.Walk(0, all => { seen.AddRange(all.ToArray()); return true; });
            Assert.Equal(expected, seen);
        }
        using (PmemLog log = PmemLog.Open(path))
        {
            var seen = new List<byte>();
            log.Walk(0, all => { seen.AddRange(all.ToArray()); return true; });
            Assert.Equal(expected, seen);
        }
    }
}
