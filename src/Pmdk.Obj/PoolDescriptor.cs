// The obj pool descriptor that follows the common header (PMDK: libpmemobj/obj.h struct pmemobjpool).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pmdk.Pool;

namespace Pmdk.Obj;

/// <summary>The 1024-byte layout name field of <see cref="PoolDescriptor"/>.</summary>
[InlineArray(PoolDescriptor.MaxLayoutLength)]
public struct LayoutNameBytes
{
    private byte _element0;
}

/// <summary>The 984 unused bytes of <see cref="PoolDescriptor"/>.</summary>
[InlineArray(984)]
public struct DescriptorUnused
{
    private byte _element0;
}

/// <summary>
/// The persistent, checksummed pool descriptor at pool offset 0x1000 (spec §2.1), 2048 bytes: layout name,
/// lane and heap geometry, checksum.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct PoolDescriptor
{
    /// <summary>Size on media.</summary>
    public const int Size = 2048;

    /// <summary>Pool offset of the descriptor.</summary>
    public const ulong PoolOffset = 0x1000;

    /// <summary>Offset of <see cref="Checksum"/> inside the descriptor.</summary>
    public const int ChecksumOffset = 0x7F8;

    /// <summary>Size of the layout field; a layout name has at most this minus one characters. C: <c>PMEMOBJ_MAX_LAYOUT</c>.</summary>
    public const int MaxLayoutLength = 1024;

    /// <summary>NUL-terminated layout name.</summary>
    [FieldOffset(0)] public LayoutNameBytes Layout;

    /// <summary>Pool offset of lane 0 (0x2000).</summary>
    [FieldOffset(0x400)] public ulong LanesOffset;

    /// <summary>Number of lanes (1024).</summary>
    [FieldOffset(0x408)] public ulong LaneCount;

    /// <summary>Pool offset of the heap (0x302000).</summary>
    [FieldOffset(0x410)] public ulong HeapOffset;

    /// <summary>Unused, zero.</summary>
    [FieldOffset(0x418)] public ulong Unused3;

    /// <summary>Unused, zero.</summary>
    [FieldOffset(0x420)] public DescriptorUnused Unused;

    /// <summary>Fletcher64 of the 2048 bytes with this field as zero.</summary>
    [FieldOffset(ChecksumOffset)] public ulong Checksum;

    /// <summary>The checksum the descriptor should carry.</summary>
    public readonly ulong ComputeChecksum() =>
        Fletcher64.Compute(MemoryMarshal.AsBytes(new ReadOnlySpan<PoolDescriptor>(in this)), ChecksumOffset);
}

/// <summary>The reserved tail of <see cref="PoolDescriptorRuntime"/>.</summary>
[InlineArray(496)]
public struct DescriptorReserved
{
    private byte _element0;
}

/// <summary>The persistent, non-checksummed descriptor fields at pool offset 0x1800 (spec §2.2), 544 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct PoolDescriptorRuntime
{
    /// <summary>Size on media.</summary>
    public const int Size = 544;

    /// <summary>Pool offset of the structure.</summary>
    public const ulong PoolOffset = 0x1800;

    /// <summary>Pool offset of <see cref="RootOffset"/>.</summary>
    public const ulong RootOffsetField = 0x1800;

    /// <summary>Pool offset of <see cref="RunId"/>.</summary>
    public const ulong RunIdField = 0x1808;

    /// <summary>Pool offset of <see cref="RootSize"/>.</summary>
    public const ulong RootSizeField = 0x1810;

    /// <summary>Pool offset of <see cref="ConversionFlags"/>.</summary>
    public const ulong ConversionFlagsField = 0x1818;

    /// <summary>Pool offset of <see cref="HeapSize"/>.</summary>
    public const ulong HeapSizeField = 0x1820;

    /// <summary>Offset of the root object's user data; 0 = no root.</summary>
    [FieldOffset(0)] public ulong RootOffset;

    /// <summary>Even run counter, +2 at every open.</summary>
    [FieldOffset(8)] public ulong RunId;

    /// <summary>Size the user requested for the root.</summary>
    [FieldOffset(16)] public ulong RootSize;

    /// <summary>Set by pmdk-convert only; zeroed at open.</summary>
    [FieldOffset(24)] public ulong ConversionFlags;

    /// <summary>Pool size minus heap offset.</summary>
    [FieldOffset(32)] public ulong HeapSize;

    /// <summary>Persistent statistic <c>heap_curr_allocated</c> (written only with persistent stats).</summary>
    [FieldOffset(40)] public ulong StatsHeapCurrAllocated;

    /// <summary>Must be zero.</summary>
    [FieldOffset(48)] public DescriptorReserved Reserved;
}
