// Object headers in front of every allocation (PMDK: libpmemobj/memblock.h allocation_header_*).
using System.Runtime.InteropServices;

namespace Pmdk.Obj.Alloc;

/// <summary>Kinds of object header (spec §5.6). C: <c>enum header_type</c>.</summary>
public enum HeaderType
{
    /// <summary>64-byte legacy header.</summary>
    Legacy = 0,
    /// <summary>16-byte compact header.</summary>
    Compact = 1,
    /// <summary>No header.</summary>
    None = 2,
}

/// <summary>The 16-byte compact header. C: <c>struct allocation_header_compact</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct CompactAllocationHeader
{
    /// <summary>Size on media.</summary>
    public const int Size = 16;

    /// <summary>Bits 0–47 real size (header included), bits 48–63 object flags.</summary>
    [FieldOffset(0)] public ulong SizeAndFlags;

    /// <summary>The type number.</summary>
    [FieldOffset(8)] public ulong Extra;
}

/// <summary>The 64-byte legacy header. C: <c>struct allocation_header_legacy</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct LegacyAllocationHeader
{
    /// <summary>Size on media.</summary>
    public const int Size = 64;

    /// <summary>Unused.</summary>
    [FieldOffset(0)] public ulong Unused;

    /// <summary>Real size (header included).</summary>
    [FieldOffset(8)] public ulong RealSize;

    /// <summary>Bits 48–63: object flags.</summary>
    [FieldOffset(48)] public ulong RootSizeAndFlags;

    /// <summary>The type number.</summary>
    [FieldOffset(56)] public ulong TypeNum;
}

/// <summary>Header sizes and object flags.</summary>
public static class AllocationHeader
{
    /// <summary>Object flag of internal objects (root, ulog extensions): iteration skips them.</summary>
    public const ushort FlagInternal = 0x8000;

    /// <summary>Mask of the size bits of a compact header word.</summary>
    public const ulong SizeMask = (1UL << 48) - 1;

    /// <summary>Header size of a header type.</summary>
    public static int SizeOf(HeaderType type) => type switch
    {
        HeaderType.Compact => CompactAllocationHeader.Size,
        HeaderType.Legacy => LegacyAllocationHeader.Size,
        _ => 0,
    };

    /// <summary>The header type a chunk's flags select.</summary>
    public static HeaderType FromChunkFlags(Heap.ChunkFlags flags) =>
        (flags & Heap.ChunkFlags.CompactHeader) != 0 ? HeaderType.Compact
        : (flags & Heap.ChunkFlags.HeaderNone) != 0 ? HeaderType.None
        : HeaderType.Legacy;
}
