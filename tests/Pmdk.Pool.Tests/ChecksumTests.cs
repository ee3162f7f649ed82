// Fletcher64 test vectors of spec §2 and §3.9 (PMDK: common/util.c util_checksum).

namespace Pmdk.Pool.Tests;

public class ChecksumTests
{
    internal static PoolHeader SpecExampleHeader(PoolKind kind, IncompatFeatures incompat)
    {
        var h = new PoolHeader();
        h.SetSignature(kind);
        h.Major = 1;
        h.Compat = CompatFeatures.CheckBadBlocks;
        h.Incompat = incompat;
        byte[] a = new byte[16], b = new byte[16];
        for (int i = 0; i < 16; i++)
        {
            a[i] = (byte)i;
            b[i] = (byte)(0x10 + i);
        }
        h.PoolsetUuid = new Guid(a);
        h.Uuid = h.PrevPartUuid = h.NextPartUuid = h.PrevReplicaUuid = h.NextReplicaUuid = new Guid(b);
        h.CreationTime = 0x60000000;
        h.Arch = ArchFlags.Current;
        return h;
    }

    [Fact]
    public void Log_header_of_spec_example_has_the_verified_cksum_2k_checksum()
    {
        PoolHeader h = SpecExampleHeader(PoolKind.Log, IncompatFeatures.Checksum2K | IncompatFeatures.ShutdownState);
        Assert.Equal(0x163CA2CCFF44027DUL, h.ComputeChecksum());
    }

    [Fact]
    public void Legacy_4k_variant_gives_the_verified_checksum()
    {
        PoolHeader h = SpecExampleHeader(PoolKind.Log, IncompatFeatures.None);
        Assert.Equal(0x163C8AE4FF440277UL, h.ComputeChecksum());
    }

    [Fact]
    public void Blk_header_of_spec_example_has_the_verified_checksum()
    {
        PoolHeader h = SpecExampleHeader(PoolKind.Blk, IncompatFeatures.Checksum2K | IncompatFeatures.ShutdownState);
        Assert.Equal(0x262C7DD6FF47FF73UL, h.ComputeChecksum());
    }

    [Fact]
    public void Dirty_shutdown_state_checksum_matches_spec()
    {
        Assert.Equal(0x0000000C00000001UL, ShutdownState.ForPlainFile(true).Checksum);
        Assert.Equal(0UL, new ShutdownState().ComputeChecksum());
    }

    [Fact]
    public void Uuid_bytes_print_like_pmempool()
    {
        byte[] a = new byte[16];
        for (int i = 0; i < 16; i++)
            a[i] = (byte)i;
        Assert.Equal("03020100-0504-0706-0809-0a0b0c0d0e0f", new Guid(a).ToString());
    }

    [Fact]
    public void Skipped_words_still_feed_the_high_sum()
    {
        byte[] data = new byte[64];
        data[0] = 1;
        ulong full = Fletcher64.Compute(data, 56);
        ulong skipped = Fletcher64.Compute(data, 56, 16);
        Assert.Equal(full, skipped);
        data[20] = 5;
        Assert.NotEqual(Fletcher64.Compute(data, 56), Fletcher64.Compute(data, 56, 16));
        Assert.Equal(full, Fletcher64.Compute(data, 56, 16));
    }

    [Fact]
    public void Insert_then_verify_round_trips()
    {
        byte[] data = new byte[4096];
        new Random(1).NextBytes(data);
        Fletcher64.Insert(data, 4088, 2048);
        Assert.True(Fletcher64.Verify(data, 4088, 2048));
        data[100] ^= 1;
        Assert.False(Fletcher64.Verify(data, 4088, 2048));
    }
}
