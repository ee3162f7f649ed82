// Persistent heap structures: heap header, zones, chunk headers, run headers (PMDK: libpmemobj/heap_layout.h).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pmdk.Pool;

namespace Pmdk.Obj.Heap;

/// <summary>Heap geometry constants (spec §5.1, §5.2).</summary>
public static class HeapLayout
{
    /// <summary>Size of the heap header.</summary>
    public const int HeaderSize = 1024;

    /// <summary>Chunk size. C: <c>CHUNKSIZE</c>.</summary>
    public const ulong ChunkSize = 262144;

    /// <summary>Chunks per zone. C: <c>MAX_CHUNK</c>.</summary>
    public const uint MaxChunk = 65528;

    /// <summary>Size of a zone header.</summary>
    public const int ZoneHeaderSize = 64;

    /// <summary>Zone header plus the chunk-header array.</summary>
    public const ulong ZoneMetaSize = ZoneHeaderSize + 8UL * MaxChunk;

    /// <summary>Largest zone. C: <c>ZONE_MAX_SIZE</c>.</summary>
    public const ulong ZoneMaxSize = ZoneMetaSize + MaxChunk * ChunkSize;

    /// <summary>Smallest zone: metadata and one chunk. C: <c>ZONE_MIN_SIZE</c>.</summary>
    public const ulong ZoneMinSize = ZoneMetaSize + ChunkSize;

    /// <summary>Smallest heap PMDK accepts (header, zone metadata and three chunks: 1 311 744). C: <c>HEAP_MIN_SIZE</c>.</summary>
    public const ulong MinHeapSize = HeaderSize + ZoneMetaSize + 3 * ChunkSize;

    /// <summary>Magic of an initialized zone. C: <c>ZONE_HEADER_MAGIC</c>.</summary>
    public const uint ZoneMagic = 0xC3F0A2D2;

    /// <summary>Number of zones of a heap of <paramref name="heapSize"/> bytes (spec §5.2).</summary>
    public static int ZoneCount(ulong heapSize)
    {
        if (heapSize < HeaderSize)
            return 0;
        ulong rem = heapSize - HeaderSize;
        int zones = 0;
        while (rem >= ZoneMinSize)
        {
            zones++;
            rem -= Math.Min(rem, ZoneMaxSize);
        }
        return zones;
    }

    /// <summary>Chunks of zone <paramref name="zone"/> of a heap with <paramref name="zoneCount"/> zones.</summary>
    public static uint ZoneChunks(ulong heapSize, int zone, int zoneCount)
    {
        if (zone < zoneCount - 1)
            return MaxChunk;
        ulong used = (ulong)zone * ZoneMaxSize + ZoneMetaSize + HeaderSize;
        if (heapSize < used)
            return 0;
        return (uint)Math.Min((heapSize - used) / ChunkSize, MaxChunk);
    }
}

/// <summary>The 16-byte signature of <see cref="HeapHeader"/>.</summary>
[InlineArray(16)]
public struct HeapSignatureBytes
{
    private byte _element0;
}

/// <summary>The reserved bytes of <see cref="HeapHeader"/>.</summary>
[InlineArray(960)]
public struct HeapHeaderReserved
{
    private byte _element0;
}

/// <summary>The 1024-byte heap header at <c>heap_offset</c> (spec §5.1).</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct HeapHeader
{
    /// <summary>Size on media.</summary>
    public const int Size = 1024;

    /// <summary>Offset of <see cref="Checksum"/>.</summary>
    public const int ChecksumOffset = 1016;

    /// <summary>The signature text (NUL-terminated in 16 bytes).</summary>
    public const string SignatureText = "MEMORY_HEAP_HDR";

    /// <summary><c>"MEMORY_HEAP_HDR\0"</c>.</summary>
    [FieldOffset(0)] public HeapSignatureBytes Signature;

    /// <summary>1.</summary>
    [FieldOffset(16)] public ulong Major;

    /// <summary>0.</summary>
    [FieldOffset(24)] public ulong Minor;

    /// <summary>Unused (may be garbage).</summary>
    [FieldOffset(32)] public ulong Unused;

    /// <summary>262144.</summary>
    [FieldOffset(40)] public ulong ChunkSize;

    /// <summary>65528.</summary>
    [FieldOffset(48)] public ulong ChunksPerZone;

    /// <summary>Zero.</summary>
    [FieldOffset(56)] public HeapHeaderReserved Reserved;

    /// <summary>Fletcher64 over the 1024 bytes with this field as zero.</summary>
    [FieldOffset(ChecksumOffset)] public ulong Checksum;

    /// <summary>The header PMDK 1.12.1 writes (checksum included).</summary>
    public static HeapHeader CreateDefault()
    {
        var h = new HeapHeader { Major = 1, Minor = 0, ChunkSize = HeapLayout.ChunkSize, ChunksPerZone = HeapLayout.MaxChunk };
        Span<byte> sig = h.Signature;
        for (int i = 0; i < SignatureText.Length; i++)
            sig[i] = (byte)SignatureText[i];
        h.Checksum = h.ComputeChecksum();
        return h;
    }

    /// <summary>Whether the signature is exactly <c>"MEMORY_HEAP_HDR\0"</c>.</summary>
    public readonly bool SignatureValid
    {
        get
        {
            ReadOnlySpan<byte> sig = Signature;
            for (int i = 0; i < SignatureText.Length; i++)
            {
                if (sig[i] != (byte)SignatureText[i])
                    return false;
            }
            return sig[SignatureText.Length] == 0;
        }
    }

    /// <summary>The checksum the header should carry.</summary>
    public readonly ulong ComputeChecksum() =>
        Fletcher64.Compute(MemoryMarshal.AsBytes(new ReadOnlySpan<HeapHeader>(in this)), ChecksumOffset);
}

/// <summary>The 64-byte zone header (spec §5.2).</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct ZoneHeader
{
    /// <summary>Size on media.</summary>
    public const int Size = 64;

    /// <summary><see cref="HeapLayout.ZoneMagic"/> once initialized, 0 before.</summary>
    [FieldOffset(0)] public uint Magic;

    /// <summary>Chunks in the zone.</summary>
    [FieldOffset(4)] public uint SizeIdx;

    /// <summary>The first 8 bytes as one word (magic and size_idx are written in one store).</summary>
    public static ulong Pack(uint magic, uint sizeIdx) => magic | ((ulong)sizeIdx << 32);
}

/// <summary>Chunk types (spec §5.3). C: <c>enum chunk_type</c>.</summary>
public enum ChunkType : ushort
{
    /// <summary>Invalid.</summary>
    Unknown = 0,
    /// <summary>Last header of a multi-chunk block.</summary>
    Footer = 1,
    /// <summary>Free block.</summary>
    Free = 2,
    /// <summary>Huge object.</summary>
    Used = 3,
    /// <summary>Run of small blocks.</summary>
    Run = 4,
    /// <summary>Inner chunk of a run.</summary>
    RunData = 5,
}

/// <summary>Chunk flags (spec §5.3). C: <c>CHUNK_FLAG_*</c>.</summary>
[Flags]
public enum ChunkFlags : ushort
{
    /// <summary>Legacy 64-byte object headers.</summary>
    None = 0,
    /// <summary>16-byte object headers.</summary>
    CompactHeader = 0x1,
    /// <summary>No object headers.</summary>
    HeaderNone = 0x2,
    /// <summary>Aligned run.</summary>
    Aligned = 0x4,
    /// <summary>Variable-size bitmap.</summary>
    FlexBitmap = 0x8,
}

/// <summary>An 8-byte chunk header (spec §5.3), always stored as one u64 <c>type | flags &lt;&lt; 16 | size_idx &lt;&lt; 32</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct ChunkHeader
{
    /// <summary>Size on media.</summary>
    public const int Size = 8;

    /// <summary>Valid flag bits.</summary>
    public const ushort ValidFlags = 0x000F;

    /// <summary>The chunk type.</summary>
    [FieldOffset(0)] public ChunkType Type;

    /// <summary>The chunk flags.</summary>
    [FieldOffset(2)] public ChunkFlags Flags;

    /// <summary>Chunks in the block (RUN_DATA: distance back to the run's first chunk).</summary>
    [FieldOffset(4)] public uint SizeIdx;

    /// <summary>Packs a header into its u64 form.</summary>
    public static ulong Pack(ChunkType type, ChunkFlags flags, uint sizeIdx) =>
        (ushort)type | ((ulong)(ushort)flags << 16) | ((ulong)sizeIdx << 32);

    /// <summary>The type of a packed header.</summary>
    public static ChunkType TypeOf(ulong packed) => (ChunkType)(ushort)packed;

    /// <summary>The flags of a packed header.</summary>
    public static ChunkFlags FlagsOf(ulong packed) => (ChunkFlags)(ushort)(packed >> 16);

    /// <summary>The size_idx of a packed header.</summary>
    public static uint SizeIdxOf(ulong packed) => (uint)(packed >> 32);
}

/// <summary>The 16-byte header at the start of a run's first chunk (spec §5.5). C: <c>struct chunk_run_header</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct ChunkRunHeader
{
    /// <summary>Size on media (the bitmap follows).</summary>
    public const int Size = 16;

    /// <summary>Unit size.</summary>
    [FieldOffset(0)] public ulong BlockSize;

    /// <summary>Alignment (0 unless <see cref="ChunkFlags.Aligned"/>).</summary>
    [FieldOffset(8)] public ulong Alignment;
}
