using Pmdk.Pmem.Detection;

namespace Pmdk.Pmem.Tests;

/// <summary>Every size from 0 to several KiB at every alignment, against a plain byte loop, on every ISA.</summary>
public class MemoryOpsTests
{
    public static TheoryData<CopyIsa, bool> Variants()
    {
        var data = new TheoryData<CopyIsa, bool>();
        foreach (CopyIsa isa in new[] { CopyIsa.Sse2, CopyIsa.Avx, CopyIsa.Avx512F })
        {
            data.Add(isa, false);
            data.Add(isa, true);
        }
        return data;
    }

    private static PmemTuning TuningFor(CopyIsa isa, bool noMovnt) => new()
    {
        AllowAvx512F = isa == CopyIsa.Avx512F,
        AllowAvx = isa != CopyIsa.Sse2,
        NoMovnt = noMovnt,
        MovntThreshold = 128,
    };

    private static PmemMapping MapAnon(CopyIsa isa, bool noMovnt, ulong size = 64 << 10)
    {
        using var source = PmemSource.Anonymous(size);
        return PmemMapping.Create(source, new PmemConfig
        {
            ForceGranularity = PmemGranularity.CacheLine,
            Tuning = TuningFor(isa, noMovnt),
        });
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Copy_matches_byte_loop_for_every_size_and_alignment(CopyIsa isa, bool noMovnt)
    {
        using PmemMapping map = MapAnon(isa, noMovnt);
        var rng = new Random(42);
        byte[] src = new byte[5000];
        rng.NextBytes(src);
        Span<byte> mem = map.GetSpan(0, 16384);
        foreach (int size in Sizes())
        {
            for (int align = 0; align < 64; align += size > 600 ? 7 : 1)
            {
                mem.Fill(0xEE);
                map.Write((ulong)(1024 + align), src.AsSpan(align % 13, size));
                for (int i = 0; i < 16384; i++)
                {
                    byte expected = i >= 1024 + align && i < 1024 + align + size ? src[(align % 13) + i - 1024 - align] : (byte)0xEE;
                    if (mem[i] != expected)
                        Assert.Fail($"size {size} align {align}: byte {i} is {mem[i]:x2}, expected {expected:x2}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Fill_matches_byte_loop_for_every_size_and_alignment(CopyIsa isa, bool noMovnt)
    {
        using PmemMapping map = MapAnon(isa, noMovnt);
        Span<byte> mem = map.GetSpan(0, 16384);
        foreach (int size in Sizes())
        {
            for (int align = 0; align < 64; align += size > 600 ? 5 : 1)
            {
                mem.Clear();
                byte value = (byte)(size + align + 1);
                map.Fill((ulong)(2048 + align), value, (ulong)size);
                for (int i = 0; i < 16384; i++)
                {
                    byte expected = i >= 2048 + align && i < 2048 + align + size ? value : (byte)0;
                    if (mem[i] != expected)
                        Assert.Fail($"size {size} align {align}: byte {i} is {mem[i]:x2}, expected {expected:x2}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Move_handles_overlap_in_both_directions(CopyIsa isa, bool noMovnt)
    {
        using PmemMapping map = MapAnon(isa, noMovnt);
        Span<byte> mem = map.GetSpan(0, 16384);
        var rng = new Random(7);
        byte[] reference = new byte[16384];
        foreach (int size in new[] { 1, 63, 64, 65, 127, 128, 200, 256, 300, 1000, 4096, 4100 })
        {
            foreach (int delta in new[] { -257, -64, -63, -1, 1, 5, 64, 100, 300 })
            {
                rng.NextBytes(reference);
                reference.CopyTo(mem);
                int srcOff = 6000 + (size % 17);
                int dstOff = srcOff + delta;
                map.Move((ulong)dstOff, (ulong)srcOff, (ulong)size);
                reference.AsSpan(srcOff, size).ToArray().CopyTo(reference.AsSpan(dstOff));
                Assert.True(mem.SequenceEqual(reference), $"size {size} delta {delta}");
            }
        }
    }

    [Fact]
    public void Invalid_flag_bits_are_rejected()
    {
        using PmemMapping map = MapAnon(CopyIsa.Avx512F, false);
        var e = Assert.Throws<PmemException>(() => map.Write(0, new byte[8], (PmemFlags)0x40));
        Assert.Equal(PmemErrorCode.InvalidFlags, e.Code);
        Assert.Throws<PmemException>(() => map.Fill(0, 1, 8, (PmemFlags)0x100));
        Assert.Throws<PmemException>(() => map.Move(0, 8, 8, (PmemFlags)0x80));
    }

    [Theory]
    [InlineData(PmemFlags.None)]
    [InlineData(PmemFlags.NoDrain)]
    [InlineData(PmemFlags.NonTemporal)]
    [InlineData(PmemFlags.Temporal)]
    [InlineData(PmemFlags.WriteCombining)]
    [InlineData(PmemFlags.WriteBack)]
    [InlineData(PmemFlags.NoFlush)]
    [InlineData(PmemFlags.NoFlush | PmemFlags.NoDrain | PmemFlags.NonTemporal)]
    public void Every_flag_combination_copies_correctly(PmemFlags flags)
    {
        using PmemMapping map = MapAnon(CopyIsa.Avx512F, false);
        byte[] data = new byte[777];
        new Random((int)flags).NextBytes(data);
        map.Write(13, data, flags);
        map.Drain();
        Assert.True(map.GetSpan(13, 777).SequenceEqual(data));
        map.Fill(3000, 0x5A, 1000, flags);
        map.Drain();
        Assert.All(map.GetSpan(3000, 1000).ToArray(), b => Assert.Equal(0x5A, b));
    }

    [Fact]
    public void Out_of_range_offsets_throw_instead_of_writing()
    {
        using PmemMapping map = MapAnon(CopyIsa.Avx512F, false, 4096);
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Write(4090, new byte[8]));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Fill(ulong.MaxValue - 2, 0, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Persist(4000, 200));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.GetSpan(4096, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Move(0, 4095, 2));
    }

    private static IEnumerable<int> Sizes()
    {
        for (int s = 0; s <= 300; s++)
            yield return s;
        for (int s = 301; s <= 4200; s += 37)
            yield return s;
        yield return 4096;
        yield return 4097;
    }
}
