// Bitmap geometry of a run, recomputed from its header as every reader must (PMDK: libpmemobj/memblock.c run_calc_metadata).
using Pmdk.Obj.Heap;

namespace Pmdk.Obj.Alloc;

/// <summary>The derived geometry of a run (spec §5.5): bit count, words in use, bitmap area, first block.</summary>
public readonly struct RunGeometry
{
    private const int LegacyBitmapBytes = 304;
    private const uint LegacyBitmapBits = 2432;

    /// <summary>Number of blocks (bits) of the run.</summary>
    public uint NBits { get; init; }

    /// <summary>Bitmap words in use.</summary>
    public uint NValues { get; init; }

    /// <summary>Bytes of the bitmap area (words in use plus padding words).</summary>
    public uint BitmapBytes { get; init; }

    /// <summary>Offset of block 0 from the run's first chunk, before any alignment adjustment.</summary>
    public uint DataOffset => ChunkRunHeader.Size + BitmapBytes;

    /// <summary>Computes the geometry of a run. Returns false when the inputs cannot describe a run.</summary>
    public static bool TryCompute(uint sizeIdx, ChunkFlags flags, ulong unit, ulong alignment, out RunGeometry geometry)
    {
        geometry = default;
        if (sizeIdx == 0 || sizeIdx > HeapLayout.MaxChunk || unit == 0)
            return false;
        ulong content = HeapLayout.ChunkSize - ChunkRunHeader.Size + (sizeIdx - 1UL) * HeapLayout.ChunkSize;
        if (unit > content)
            return false;
        ulong alignBit = alignment != 0 ? 1UL : 0UL;
        ulong nbits, nvalues, bytes;
        if ((flags & ChunkFlags.FlexBitmap) != 0)
        {
            nbits = content / unit;
            nvalues = (nbits + 63) / 64;
            nvalues = ((nvalues + 2 + 7) & ~7UL) - 2;
            bytes = nvalues * 8;
            if (bytes >= content)
                return false;
            ulong fit = (content - bytes) / unit;
            if (fit <= alignBit)
                return false;
            nbits = fit - alignBit;
            nvalues -= (nvalues * 64 - nbits) / 64;
        }
        else
        {
            bytes = LegacyBitmapBytes;
            if (content <= bytes)
                return false;
            ulong fit = Math.Min((content - bytes) / unit, LegacyBitmapBits);
            if (fit <= alignBit)
                return false;
            nbits = fit - alignBit;
            nvalues = 38 - (LegacyBitmapBits - nbits) / 64;
        }
        geometry = new RunGeometry { NBits = (uint)nbits, NValues = (uint)nvalues, BitmapBytes = (uint)bytes };
        return true;
    }

    /// <summary>Pool offset of block 0 of a run whose first chunk starts at <paramref name="chunkStart"/>.</summary>
    public ulong DataStart(ulong chunkStart, ulong alignment, int headerSize)
    {
        ulong start = chunkStart + DataOffset;
        if (alignment != 0)
            start = ((start + (ulong)headerSize + alignment - 1) / alignment * alignment) - (ulong)headerSize;
        return start;
    }
}
