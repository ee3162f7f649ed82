// Geometry, info block encoding and flog selection against the spec's verified vectors (spec §7.4–7.8, §7.11).
using Pmdk.Blk.Btt;

namespace Pmdk.Blk.Tests;

public class BttLayoutTests
{
    private static ulong Raw(ulong poolSize) => (poolSize & ~4095UL) - 8192;

    [Theory]
    [InlineData(16_785_408UL, 512U, 32_202UL)]
    [InlineData(16_785_408UL, 100U, 32_202UL)]
    [InlineData(16_789_999UL, 512U, 32_210UL)]
    [InlineData(20_000_000UL, 520U, 25_598UL)]
    [InlineData(33_554_432UL, 4096U, 7_919UL)]
    [InlineData(600_000_000UL, 1_000_000U, 343UL)]
    public void NlbaMatchesPmdk(ulong poolSize, uint bsize, ulong nblock)
    {
        List<BttInfo> arenas = BttLayout.PlanArenas(Raw(poolSize), bsize)!;
        Assert.Single(arenas);
        Assert.Equal(nblock, arenas[0].ExternalNlba);
    }

    [Fact]
    public void MinimumPoolGeometry()
    {
        BttInfo info = Assert.Single(BttLayout.PlanArenas(Raw(16_785_408), 512)!);
        Assert.Equal(32_458U, info.InternalNlba);
        Assert.Equal(512U, info.InternalLbaSize);
        Assert.Equal(0x1000UL, info.DataOff);
        Assert.Equal(0xFDB000UL, info.MapOff);
        Assert.Equal(0xFFB000UL, info.FlogOff);
        Assert.Equal(0xFFF000UL, info.InfoOff);
        Assert.Equal(0UL, info.NextOff);
    }

    [Fact]
    public void TwoArenasOf520GiB()
    {
        List<BttInfo> arenas = BttLayout.PlanArenas(Raw(520UL << 30), 4096)!;
        Assert.Equal(2, arenas.Count);
        Assert.Equal(134_086_776U, arenas[0].InternalNlba);
        Assert.Equal(2_095_097U, arenas[1].InternalNlba);
        Assert.Equal(1UL << 39, arenas[0].NextOff);
        Assert.Equal(136_181_361UL, (ulong)arenas[0].ExternalNlba + arenas[1].ExternalNlba);
    }

    [Fact]
    public void TooLargeBlockForPoolFails() => Assert.Null(BttLayout.PlanArenas(Raw(16_785_408), 65536));

    [Theory]
    [InlineData(100U, 512U)]
    [InlineData(520U, 768U)]
    [InlineData(4096U, 4096U)]
    public void InternalLbaSize(uint external, uint expected) => Assert.Equal(expected, BttLayout.InternalLbaSize(external));

    [Fact]
    public void InfoBlockMatchesVerifiedVector()
    {
        BttInfo info = Assert.Single(BttLayout.PlanArenas(Raw(16_785_408), 512)!);
        info.Uuid = new Guid(Enumerable.Range(0x20, 16).Select(i => (byte)i).ToArray());
        info.ParentUuid = new Guid(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray());
        byte[] block = new byte[4096];
        info.Encode(block);
        Assert.Equal(0x4C7964CEC7A37F4FUL, BitConverter.ToUInt64(block, 4088));
        string expected = (
            "4254545f4152454e415f494e464f0000 202122232425262728292a2b2c2d2e2f " +
            "000102030405060708090a0b0c0d0e0f 00000000 0100 0100 00020000 ca7d0000 " +
            "00020000 ca7e0000 00010000 00100000 0000000000000000 0010000000000000 " +
            "00b0fd0000000000 00b0ff0000000000 00f0ff0000000000").Replace(" ", "", StringComparison.Ordinal);
        Assert.Equal(expected, Convert.ToHexStringLower(block, 0, 0x78));
        Assert.True(BttInfo.TryRead(block, info.ParentUuid.ToByteArray(), out BttInfo back));
        Assert.Equal(info.MapOff, back.MapOff);
        Assert.False(BttInfo.TryRead(block, new byte[16], out _)); // another parent
        block[100] ^= 1;
        Assert.False(BttInfo.TryRead(block, info.ParentUuid.ToByteArray(), out _)); // checksum
    }

    [Theory]
    [InlineData(1U, 0U, 0)]
    [InlineData(0U, 1U, 1)]
    [InlineData(1U, 2U, 1)]
    [InlineData(2U, 3U, 1)]
    [InlineData(3U, 1U, 1)]
    [InlineData(2U, 1U, 0)]
    [InlineData(3U, 2U, 0)]
    [InlineData(1U, 3U, 0)]
    [InlineData(2U, 2U, -1)]
    [InlineData(0U, 0U, -1)]
    public void CurrentFlogEntry(uint seq0, uint seq1, int expected) =>
        Assert.Equal(expected, BttFlog.CurrentIndex(new BttFlogEntry(0, 0, 0, seq0), new BttFlogEntry(0, 0, 0, seq1)));
}
