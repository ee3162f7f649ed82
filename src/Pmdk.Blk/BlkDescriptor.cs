// The pmemblk descriptor after the pool header: bsize and is_zeroed (PMDK: libpmemblk/blk.h struct pmemblk).
using System.Buffers.Binary;

namespace Pmdk.Blk;

/// <summary>Offsets and sizes of the pmemblk pool layout (spec §7.1–7.2).</summary>
internal static class BlkDescriptor
{
    /// <summary>Offset of <c>bsize</c> (u32 LE).</summary>
    public const ulong BsizeOffset = 4096;

    /// <summary>Offset of <c>is_zeroed</c> (i32).</summary>
    public const ulong IsZeroedOffset = 4100;

    /// <summary>Offset of the run-time <c>data</c> pointer (u64); <c>addr</c> is at 4104.</summary>
    public const ulong RuntimeDataOffset = 4128;

    /// <summary>Where the BTT namespace (data area) starts: roundup(sizeof(struct pmemblk), 4096).</summary>
    public const ulong DataOffset = 8192;

    /// <summary>Minimum usable pool size: 16 MiB + 8 KiB. C: <c>PMEMBLK_MIN_POOL</c>.</summary>
    public const ulong MinPool = (16UL << 20) + 8192;

    /// <summary>Minimum file size. C: <c>PMEMBLK_MIN_PART</c>.</summary>
    public const ulong MinPart = 2UL << 20;

    public static uint ReadBsize(ReadOnlySpan<byte> pool) => BinaryPrimitives.ReadUInt32LittleEndian(pool[(int)BsizeOffset..]);

    public static int ReadIsZeroed(ReadOnlySpan<byte> pool) => BinaryPrimitives.ReadInt32LittleEndian(pool[(int)IsZeroedOffset..]);
}
