// BTT behaviour over an in-memory namespace: lazy layout, map states, recovery, corruption (spec §7.8–7.12).
using Pmdk.Blk.Btt;

namespace Pmdk.Blk.Tests;

public class BttTests
{
    private const ulong RawSize = 16_785_408 - 8192;
    private const uint Bsize = 512;
    private static readonly byte[] Parent = Enumerable.Range(0, 16).Select(i => (byte)(i + 1)).ToArray();

    private static Btt.Btt OpenBtt(IBttNamespace ns, uint maxLane = 4) => Btt.Btt.Open(ns, Bsize, Parent, maxLane, true, "test");

    private static byte[] Block(byte value) => Enumerable.Repeat(value, (int)Bsize).ToArray();

    private static byte[] ReadBlock(Btt.Btt btt, ulong lba, uint lane = 0)
    {
        byte[] b = new byte[Bsize];
        btt.Read(lane, lba, b);
        return b;
    }

    [Fact]
    public void FreshNamespaceReadsZerosAndWritesNothing()
    {
        var ns = new ArrayNamespace(RawSize);
        Btt.Btt btt = OpenBtt(ns);
        Assert.False(btt.IsLaidOut);
        Assert.Equal(32_202UL, btt.NLba);
        Assert.Equal(4U, btt.NLane);
        Assert.All(ReadBlock(btt, 5), b => Assert.Equal(0, b));
        btt.SetZero(0, 5); // no layout: a no-op
        Assert.Equal(0, ns.Writes);
        Assert.True(btt.Check());
    }

    [Fact]
    public void FirstWriteLaysOutLikePmdk()
    {
        var ns = new ArrayNamespace(RawSize);
        Btt.Btt btt = OpenBtt(ns);
        btt.Write(0, 7, Block(0xAB));
        Assert.True(btt.IsLaidOut);
        Assert.True(BttInfo.TryRead(ns.Bytes.AsSpan(0, 4096), Parent, out BttInfo info));
        Assert.Equal(ns.Bytes.AsSpan(0, 4096).ToArray(), ns.Bytes.AsSpan((int)info.InfoOff, 4096).ToArray());
        // lane 0 wrote: free block was 32202 (external_nlba + 0), old map of lba 7 was initial (7|normal).
        Assert.Equal(0xC0000000U | 32_202, ns.U32(info.MapOff + 7 * 4));
        ulong flog0 = info.FlogOff;
        Assert.Equal(new BttFlogEntry(0, 0x80000000U | 32_202, 0x80000000U | 32_202, 1), BttFlogEntry.Decode(ns.Bytes.AsSpan((int)flog0)));
        Assert.Equal(new BttFlogEntry(7, 0xC0000007, 0xC0000000U | 32_202, 2), BttFlogEntry.Decode(ns.Bytes.AsSpan((int)flog0 + 16)));
        // lane 1 is untouched: initial entry + zero entry.
        Assert.Equal(new BttFlogEntry(1, 0x80000000U | 32_203, 0x80000000U | 32_203, 1), BttFlogEntry.Decode(ns.Bytes.AsSpan((int)flog0 + 64)));
        Assert.Equal(Block(0xAB), ReadBlock(btt, 7));
        Assert.True(btt.Check());
    }

    [Fact]
    public void MapStatesMatchPmdk()
    {
        var ns = new ArrayNamespace(RawSize);
        Btt.Btt btt = OpenBtt(ns);
        btt.SetError(0, 12); // lays out first
        ulong mapOff = btt.Arenas[0].MapOffset;
        Assert.Equal(0x4000000CU, ns.U32(mapOff + 12 * 4));
        var e = Assert.Throws<PmemIOException>(() => ReadBlock(btt, 12));
        Assert.Equal(5, e.Errno);
        btt.SetZero(0, 13);
        Assert.Equal(0x8000000DU, ns.U32(mapOff + 13 * 4));
        btt.Write(1, 11, Block(3));
        btt.SetError(1, 11);
        Assert.Throws<PmemIOException>(() => ReadBlock(btt, 11));
        btt.Write(2, 11, Block(4)); // a write clears the error
        Assert.Equal(Block(4), ReadBlock(btt, 11));
        btt.SetZero(3, 11);
        Assert.All(ReadBlock(btt, 11), b => Assert.Equal(0, b));
        Assert.True(BttLayout.IsZero(ns.U32(mapOff + 11 * 4)));
        Assert.True(btt.Check());
    }

    [Fact]
    public void RewritesCycleThroughFreeBlocksAndStayConsistent()
    {
        var ns = new ArrayNamespace(RawSize);
        Btt.Btt btt = OpenBtt(ns);
        for (int i = 0; i < 200; i++)
            btt.Write((uint)(i % 4), (ulong)(i % 9), Block((byte)i));
        for (int lba = 0; lba < 9; lba++)
            Assert.Equal(Block((byte)(200 - 9 + ((lba - 200 % 9 + 9) % 9))), ReadBlock(btt, (ulong)lba));
        Assert.True(btt.Check());
        Btt.Btt reopened = OpenBtt(ns);
        Assert.True(reopened.Check());
        Assert.Equal(ReadBlock(btt, 3), ReadBlock(reopened, 3));
    }

    [Fact]
    public void InterruptedAfterFlogUpdateIsCompletedAtOpen()
    {
        var ns = new ArrayNamespace(RawSize);
        Btt.Btt btt = OpenBtt(ns);
        btt.Write(0, 7, Block(1));
        btt.Write(0, 7, Block(2));
        ulong mapEntry = btt.Arenas[0].MapEntryOffset(7);
        BttFlogEntry last = BttFlogEntry.Decode(ns.Bytes.AsSpan((int)btt.Arenas[0].FlogOffset)); // entry 0 is current after 2 writes
        Assert.Equal(3U, last.Seq);
        ns.SetU32(mapEntry, last.OldMap); // the map store never reached the media

        Btt.Btt recovered = OpenBtt(ns);
        Assert.Equal(last.NewMap, ns.U32(mapEntry));
        Assert.Equal(Block(2), ReadBlock(recovered, 7));
        Assert.True(recovered.Check());
    }

    [Fact]
    public void InterruptedBeforeSeqKeepsOldData()
    {
        var ns = new ArrayNamespace(RawSize);
        Btt.Btt btt = OpenBtt(ns);
        btt.Write(0, 7, Block(1));
        byte[] before = (byte[])ns.Bytes.Clone();
        btt.Write(0, 7, Block(2));
        // Crash after the data and the first flog half: put back the second half and the map.
        ulong pair = btt.Arenas[0].FlogOffset;
        Array.Copy(before, (int)pair + 8, ns.Bytes, (int)pair + 8, 8);
        ulong mapEntry = btt.Arenas[0].MapEntryOffset(7);
        Array.Copy(before, (int)mapEntry, ns.Bytes, (int)mapEntry, 4);

        Btt.Btt recovered = OpenBtt(ns);
        Assert.Equal(Block(1), ReadBlock(recovered, 7));
        Assert.True(recovered.Check());
        recovered.Write(0, 7, Block(3));
        Assert.Equal(Block(3), ReadBlock(recovered, 7));
        Assert.True(recovered.Check());
    }

    [Fact]
    public void FlogLbaOutOfRangeFailsWithoutWriting()
    {
        var ns = new ArrayNamespace(RawSize);
        Btt.Btt btt = OpenBtt(ns);
        btt.Write(0, 7, Block(1));
        ns.SetU32(btt.Arenas[0].FlogOffset + 64 * 3, 40_000); // lane 3, entry 0: lba
        byte[] before = (byte[])ns.Bytes.Clone();
        int writes = ns.Writes;
        var e = Assert.Throws<PoolCorruptedException>(() => OpenBtt(ns));
        Assert.Contains("lane 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("'lba'", e.Message, StringComparison.Ordinal);
        Assert.Equal(writes, ns.Writes);
        Assert.Equal(before, ns.Bytes);
    }

    [Fact]
    public void FlogMapOutOfRangeFails()
    {
        var ns = new ArrayNamespace(RawSize);
        OpenBtt(ns).Write(0, 7, Block(1));
        ulong flog = OpenBtt(ns).Arenas[0].FlogOffset;
        ns.SetU32(flog + 16 + 4, 0xC0000000U | 0x3FFFFFF0); // lane 0 current entry's old_map
        Assert.Throws<PoolCorruptedException>(() => OpenBtt(ns));
    }

    [Fact]
    public void EqualSequenceNumbersMakeTheArenaReadOnly()
    {
        var ns = new ArrayNamespace(RawSize);
        Btt.Btt btt = OpenBtt(ns);
        btt.Write(0, 7, Block(1));
        ulong pair = btt.Arenas[0].FlogOffset + 64 * 2;
        ns.SetU32(pair + 16 + 12, 1); // both seq = 1
        Btt.Btt reopened = OpenBtt(ns);
        Assert.True(reopened.Arenas[0].IsInError);
        Assert.Equal(Block(1), ReadBlock(reopened, 7));
        var e = Assert.Throws<PmemIOException>(() => reopened.Write(0, 7, Block(2)));
        Assert.Equal(5, e.Errno);
    }

    [Fact]
    public void DamagedInfoBlockIsReportedNotHidden()
    {
        var ns = new ArrayNamespace(RawSize);
        OpenBtt(ns).Write(0, 7, Block(1));
        ns.Bytes[200] ^= 0xFF; // primary info, unused area: checksum no longer matches
        byte[] before = (byte[])ns.Bytes.Clone();
        var e = Assert.Throws<PoolCorruptedException>(() => OpenBtt(ns));
        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, ns.Bytes);

        ns.Bytes.AsSpan(0, 16).Clear(); // signature gone too, but the backup is still valid
        Assert.Throws<PoolCorruptedException>(() => OpenBtt(ns));
    }

    [Fact]
    public void ForeignParentUuidIsReported()
    {
        var ns = new ArrayNamespace(RawSize);
        OpenBtt(ns).Write(0, 7, Block(1));
        var e = Assert.Throws<PoolCorruptedException>(() => Btt.Btt.Open(ns, Bsize, new byte[16], 4, true, "x"));
        Assert.Contains("parent_uuid", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongBlockSizeIsRefused()
    {
        var ns = new ArrayNamespace(RawSize);
        OpenBtt(ns).Write(0, 7, Block(1));
        var e = Assert.Throws<PmemException>(() => Btt.Btt.Open(ns, 1024, Parent, 4, true, "x"));
        Assert.Contains("lbasize", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckFindsDuplicateMapEntry()
    {
        var ns = new ArrayNamespace(RawSize);
        Btt.Btt btt = OpenBtt(ns);
        btt.Write(0, 7, Block(1));
        ns.SetU32(btt.Arenas[0].MapEntryOffset(5), ns.U32(btt.Arenas[0].MapEntryOffset(7)));
        var problems = new List<string>();
        Assert.False(OpenBtt(ns).Check(problems));
        Assert.Contains(problems, p => p.Contains("duplicate", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("unreferenced block: 5", StringComparison.Ordinal));
    }

    [Fact]
    public void NonZeroedNamespaceGetsItsMapCleared()
    {
        var ns = new ArrayNamespace(RawSize);
        Array.Fill(ns.Bytes, (byte)0x5A);
        Btt.Btt btt = Btt.Btt.Open(ns, Bsize, Parent, 4, nsIsZeroed: false, "x");
        Assert.False(btt.IsLaidOut);
        btt.Write(0, 1, Block(9));
        Assert.All(ReadBlock(btt, 2), b => Assert.Equal(0, b));
        Assert.Equal(Block(9), ReadBlock(btt, 1));
        Assert.True(btt.Check());
    }

    [Fact]
    public void TwoArenasOnASparse520GiBNamespace()
    {
        var ns = new SparseNamespace((520UL << 30) - 8192);
        Btt.Btt btt = Btt.Btt.Open(ns, 4096, Parent, 4, true, "x");
        Assert.Equal(136_181_361UL, btt.NLba);
        Assert.Equal(2, btt.NArena);
        byte[] data = Enumerable.Repeat((byte)0x77, 4096).ToArray();
        ulong inSecond = btt.NLba - 1;
        btt.Write(0, inSecond, data);
        btt.Write(1, 0, data);
        Btt.Btt reopened = Btt.Btt.Open(ns, 4096, Parent, 4, true, "x");
        Assert.Equal(2, reopened.Arenas.Count);
        Assert.Equal(1UL << 39, reopened.Arenas[1].StartOffset);
        byte[] back = new byte[4096];
        reopened.Read(0, inSecond, back);
        Assert.Equal(data, back);
        Assert.Equal(0xC0000000U | (2_095_097U - 256), ns.ReadUInt32(reopened.Arenas[1].MapEntryOffset(2_095_097U - 256 - 1)));
    }

    [Fact]
    public void BufferAndRangeChecks()
    {
        Btt.Btt btt = OpenBtt(new ArrayNamespace(RawSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => btt.Write(0, btt.NLba, Block(1)));
        Assert.Throws<ArgumentException>(() => btt.Write(0, 1, new byte[10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => btt.Write(4, 1, Block(1)));
    }

    [Fact]
    public void TooSmallNamespaceIsRefused() =>
        Assert.Throws<PmemException>(() => OpenBtt(new ArrayNamespace((16UL << 20) - 4096)));
}
