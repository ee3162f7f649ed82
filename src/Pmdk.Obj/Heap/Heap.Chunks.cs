// Free chunk blocks: best-fit search, split, lazy zone initialization (PMDK: libpmemobj/heap.c, container_ravl.c).
namespace Pmdk.Obj.Heap;

/// <summary>A free block of chunks in DRAM.</summary>
internal readonly record struct FreeBlock(uint Size, int Zone, uint Chunk) : IComparable<FreeBlock>
{
    public int CompareTo(FreeBlock other)
    {
        int c = Size.CompareTo(other.Size);
        if (c != 0)
            return c;
        c = Zone.CompareTo(other.Zone);
        return c != 0 ? c : Chunk.CompareTo(other.Chunk);
    }
}

internal sealed partial class Heap
{
    private readonly SortedSet<FreeBlock> _free = [];
    private int _nextUninitializedZone;

    /// <summary>
    /// Takes a free block of exactly <paramref name="count"/> chunks out of the free index, splitting a larger
    /// one on media (remainder first, then the first header: spec §5.4). The block stays FREE on media.
    /// Global lock held.
    /// </summary>
    public bool TryReserveChunks(uint count, out int zone, out uint chunk)
    {
        EnsureBootedLocked();
        for (int attempt = 0; attempt < 2; attempt++)
        {
            while (true)
            {
                if (TryBestFit(count, out FreeBlock b))
                {
                    _free.Remove(b);
                    Split(b, count);
                    zone = b.Zone;
                    chunk = b.Chunk;
                    return true;
                }
                if (!InitializeNextZone())
                    break;
            }
            if (attempt == 0)
                Rebuild();
        }
        zone = -1;
        chunk = 0;
        return false;
    }

    /// <summary>Returns a reserved or freed block to the free index (its header says FREE on media). Global lock held.</summary>
    public void ReleaseChunks(int zone, uint chunk, uint count) => _free.Add(new FreeBlock(count, zone, chunk));

    private bool TryBestFit(uint count, out FreeBlock block)
    {
        if (_free.Count == 0 || _free.Max.Size < count)
        {
            block = default;
            return false;
        }
        SortedSet<FreeBlock> view = _free.GetViewBetween(new FreeBlock(count, 0, 0), _free.Max);
        block = view.Min;
        return view.Count > 0;
    }

    private void Split(FreeBlock b, uint count)
    {
        if (b.Size == count)
            return;
        uint restChunk = b.Chunk + count;
        uint rest = b.Size - count;
        StoreChunkHeader(b.Zone, restChunk, ChunkHeader.Pack(ChunkType.Free, ChunkFlags.None, rest));
        if (rest > 1)
            StoreChunkHeader(b.Zone, restChunk + rest - 1, ChunkHeader.Pack(ChunkType.Footer, ChunkFlags.None, rest));
        ulong first = ChunkHeaderWord(b.Zone, b.Chunk);
        StoreChunkHeader(b.Zone, b.Chunk, ChunkHeader.Pack(ChunkType.Free, ChunkHeader.FlagsOf(first), count));
        if (count > 1)
            StoreChunkHeader(b.Zone, b.Chunk + count - 1, ChunkHeader.Pack(ChunkType.Footer, ChunkFlags.None, count));
        _free.Add(new FreeBlock(rest, b.Zone, restChunk));
    }

    /// <summary>
    /// Initializes the next uninitialized zone (spec §5.2): one FREE block over the whole zone with its footer,
    /// then magic and size_idx in one 8-byte store.
    /// </summary>
    private bool InitializeNextZone()
    {
        while (_nextUninitializedZone < ZoneCount && ZoneInitialized(_nextUninitializedZone))
            _nextUninitializedZone++;
        if (_nextUninitializedZone >= ZoneCount)
            return false;
        int z = _nextUninitializedZone++;
        uint n = _zoneChunks[z];
        if (n == 0)
            return InitializeNextZone();
        StoreChunkHeader(z, 0, ChunkHeader.Pack(ChunkType.Free, ChunkFlags.None, n));
        if (n > 1)
            StoreChunkHeader(z, n - 1, ChunkHeader.Pack(ChunkType.Footer, ChunkFlags.None, n));
        _pool.StoreWord(ZoneOffset(z), ZoneHeader.Pack(HeapLayout.ZoneMagic, n));
        _free.Add(new FreeBlock(n, z, 0));
        return true;
    }
}
