// On-media layout of the pool header structs against spec §3.1 (PMDK: common/pool_hdr.h COMPILE_ERROR_ON).
using System.Runtime.CompilerServices;

namespace Pmdk.Pool.Tests;

public unsafe class LayoutTests
{
    private static int Offset<T>(ref T field, ref PoolHeader h) =>
        (int)Unsafe.ByteOffset(ref Unsafe.As<PoolHeader, byte>(ref h), ref Unsafe.As<T, byte>(ref field));

    [Fact]
    public void Pool_header_fields_sit_at_spec_offsets()
    {
        Assert.Equal(4096, Unsafe.SizeOf<PoolHeader>());
        Assert.Equal(PoolHeader.Size, sizeof(PoolHeader));
        var h = new PoolHeader();
        Assert.Equal(0, Offset(ref h.Signature, ref h));
        Assert.Equal(8, Offset(ref h.Major, ref h));
        Assert.Equal(12, Offset(ref h.Compat, ref h));
        Assert.Equal(16, Offset(ref h.Incompat, ref h));
        Assert.Equal(20, Offset(ref h.RoCompat, ref h));
        Assert.Equal(24, Offset(ref h.PoolsetUuid, ref h));
        Assert.Equal(40, Offset(ref h.Uuid, ref h));
        Assert.Equal(56, Offset(ref h.PrevPartUuid, ref h));
        Assert.Equal(72, Offset(ref h.NextPartUuid, ref h));
        Assert.Equal(88, Offset(ref h.PrevReplicaUuid, ref h));
        Assert.Equal(104, Offset(ref h.NextReplicaUuid, ref h));
        Assert.Equal(120, Offset(ref h.CreationTime, ref h));
        Assert.Equal(128, Offset(ref h.Arch, ref h));
        Assert.Equal(144, Offset(ref h.Unused, ref h));
        Assert.Equal(2048, Offset(ref h.Unused2, ref h));
        Assert.Equal(4024, Offset(ref h.Sds, ref h));
        Assert.Equal(4088, Offset(ref h.Checksum, ref h));
    }

    [Fact]
    public void Arch_flags_and_shutdown_state_have_spec_sizes()
    {
        Assert.Equal(16, Unsafe.SizeOf<ArchFlags>());
        Assert.Equal(64, Unsafe.SizeOf<ShutdownState>());
        Assert.Equal(1904, Unsafe.SizeOf<PoolHeaderUnused>());
        Assert.Equal(1976, Unsafe.SizeOf<PoolHeaderUnused2>());
    }

    [Fact]
    public void Current_arch_flags_are_the_x86_64_bytes()
    {
        ArchFlags a = ArchFlags.Current;
        byte[] bytes = new byte[16];
        Unsafe.WriteUnaligned(ref bytes[0], a);
        Assert.Equal(Convert.FromHexString("10737737F707000002010000" + "00003E00"), bytes);
    }
}
