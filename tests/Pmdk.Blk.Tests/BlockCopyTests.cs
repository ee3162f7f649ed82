// The vector block copy of block reads: every length and destination alignment copies exactly the source bytes.
using Pmdk.Blk.Btt;

namespace Pmdk.Blk.Tests;

public class BlockCopyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(511)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(600)]
    [InlineData(1000)]
    [InlineData(4096)]
    [InlineData(4100)]
    public void CopiesExactlyTheSourceAtEveryAlignment(int length)
    {
        byte[] source = new byte[length + 64];
        new Random(length).NextBytes(source);
        for (int srcOff = 0; srcOff < 64; srcOff += 13)
        {
            for (int dstOff = 0; dstOff < 72; dstOff += 7)
            {
                byte[] destination = new byte[length + 160];
                Array.Fill(destination, (byte)0xEE);
                BlockCopy.Copy(source.AsSpan(srcOff, length), destination.AsSpan(dstOff));
                Assert.True(source.AsSpan(srcOff, length).SequenceEqual(destination.AsSpan(dstOff, length)), $"src+{srcOff} dst+{dstOff}");
                Assert.All(destination[..dstOff], b => Assert.Equal(0xEE, b));
                Assert.All(destination[(dstOff + length)..], b => Assert.Equal(0xEE, b));
            }
        }
    }

    [Fact]
    public void ShortDestinationIsRefused() =>
        Assert.Throws<ArgumentException>(() => BlockCopy.Copy(new byte[600], new byte[599]));
}
