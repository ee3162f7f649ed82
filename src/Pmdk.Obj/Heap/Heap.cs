// The persistent heap: geometry, consistency check and DRAM state (PMDK: libpmemobj/heap.c).
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Heap;

/// <summary>
/// The heap of an obj pool: zones of chunks, runs, free blocks. Persistent state lives only on media (spec §5.8);
/// the DRAM indexes (free blocks by size, runs with free space per class) are rebuilt lazily from it.
/// Locking (PMDK's split): each <see cref="Arena"/>'s lock guards its buckets (active runs); the global lock
/// guards chunk and zone acquisition, the run index, the recycler, chunk reservations and the zone scan.
/// Order: arena lock, then global lock. Bitmap words change only through redo logs (atomic AND/OR).
/// </summary>
internal sealed partial class Heap
{
    private readonly ObjMemory _pool;
    private readonly uint[] _zoneChunks;
    private readonly Lock _global = new();

    public Heap(ObjMemory pool, ulong heapOffset, ulong heapSize, AllocationClassCollection classes)
    {
        _pool = pool;
        HeapOffset = heapOffset;
        HeapSize = heapSize;
        Classes = classes;
        // PMDK counts zones from the mapped size; chunk counts follow the persisted heap size.
        ZoneCount = HeapLayout.ZoneCount(Math.Min(pool.Size - heapOffset, heapSize));
        _zoneChunks = new uint[ZoneCount];
        for (int z = 0; z < ZoneCount; z++)
            _zoneChunks[z] = HeapLayout.ZoneChunks(heapSize, z, ZoneCount);
        _available = new List<RunInfo>[AllocationClassCollection.MaxClasses];
        _zoneFirstSlot = new uint[ZoneCount];
        uint slots = 0;
        for (int z = 0; z < ZoneCount; z++)
        {
            _zoneFirstSlot[z] = slots;
            slots += _zoneChunks[z];
        }
        _runByChunk = new RunInfo?[slots];
        _arenas = CreateArenas();
    }

    /// <summary>The global lock (chunks, zones, recycler, run index, zone scan).</summary>
    public Lock GlobalLock => _global;

    public ulong HeapOffset { get; }

    public ulong HeapSize { get; }

    public int ZoneCount { get; }

    public AllocationClassCollection Classes { get; }

    public ObjMemory Pool => _pool;

    /// <summary>First byte after the heap.</summary>
    public ulong HeapEnd => HeapOffset + HeapSize;

    public ulong ZoneOffset(int zone) => HeapOffset + HeapLayout.HeaderSize + (ulong)zone * HeapLayout.ZoneMaxSize;

    public ulong ChunkHeaderOffset(int zone, uint chunk) => ZoneOffset(zone) + HeapLayout.ZoneHeaderSize + chunk * 8UL;

    public ulong ChunkOffset(int zone, uint chunk) => ZoneOffset(zone) + HeapLayout.ZoneMetaSize + chunk * HeapLayout.ChunkSize;

    /// <summary>Chunks the zone should have per the geometry formula.</summary>
    public uint ExpectedZoneChunks(int zone) => _zoneChunks[zone];

    public ref ZoneHeader Zone(int zone) => ref _pool.Ref<ZoneHeader>(ZoneOffset(zone));

    public ulong ChunkHeaderWord(int zone, uint chunk) => _pool.Word(ChunkHeaderOffset(zone, chunk));

    public void StoreChunkHeader(int zone, uint chunk, ulong packed) => _pool.StoreWord(ChunkHeaderOffset(zone, chunk), packed);

    /// <summary>Whether the zone has been initialized.</summary>
    public bool ZoneInitialized(int zone) => Zone(zone).Magic != 0;

    /// <summary>
    /// The heap consistency check PMDK runs at open (spec §5.9): size, header, then every initialized zone's
    /// chunk walk. Throws <see cref="PoolCorruptedException"/> naming the field.
    /// </summary>
    public static void Check(ObjMemory pool, ulong heapOffset, ulong heapSize)
    {
        string path = pool.Path;
        if (heapSize < HeapLayout.MinHeapSize)
            throw new PoolCorruptedException($"heap: field 'heap_size' {heapSize} is smaller than the minimum {HeapLayout.MinHeapSize}", path);
        pool.CheckRange(heapOffset, heapSize, "heap_size");
        ref HeapHeader hdr = ref pool.Ref<HeapHeader>(heapOffset);
        if (!hdr.SignatureValid)
            throw new PoolCorruptedException("heap: invalid signature of heap header (field 'signature')", path);
        ulong sum = hdr.ComputeChecksum();
        if (sum != hdr.Checksum)
            throw new PoolCorruptedException($"heap: invalid header's checksum (field 'checksum': stored 0x{hdr.Checksum:x16}, computed 0x{sum:x16})", path);
        int zones = HeapLayout.ZoneCount(Math.Min(pool.Size - heapOffset, heapSize));
        for (int z = 0; z < zones; z++)
        {
            ulong zoneOff = heapOffset + HeapLayout.HeaderSize + (ulong)z * HeapLayout.ZoneMaxSize;
            ref ZoneHeader zh = ref pool.Ref<ZoneHeader>(zoneOff);
            if (zh.Magic == 0)
                continue;
            if (zh.Magic != HeapLayout.ZoneMagic)
                throw new PoolCorruptedException($"heap: zone {z}: invalid field 'magic' 0x{zh.Magic:x8}", path);
            if (zh.SizeIdx == 0 || zh.SizeIdx > HeapLayout.MaxChunk)
                throw new PoolCorruptedException($"heap: zone {z}: invalid field 'size_idx' {zh.SizeIdx}", path);
            pool.CheckRange(zoneOff + HeapLayout.ZoneMetaSize, zh.SizeIdx * HeapLayout.ChunkSize, $"zone {z} size_idx");
            uint c = 0;
            while (c < zh.SizeIdx)
            {
                ulong w = pool.Word(zoneOff + HeapLayout.ZoneHeaderSize + c * 8UL);
                ChunkType t = ChunkHeader.TypeOf(w);
                uint s = ChunkHeader.SizeIdxOf(w);
                if (t is < ChunkType.Footer or > ChunkType.RunData)
                    throw new PoolCorruptedException($"heap: zone {z} chunk {c}: invalid chunk header field 'type' {(ushort)t}", path);
                if (((ushort)ChunkHeader.FlagsOf(w) & ~ChunkHeader.ValidFlags) != 0)
                    throw new PoolCorruptedException($"heap: zone {z} chunk {c}: invalid chunk header field 'flags' 0x{(ushort)ChunkHeader.FlagsOf(w):x}", path);
                if (s == 0 || s > zh.SizeIdx - c)
                    throw new PoolCorruptedException($"heap: zone {z} chunk {c}: invalid chunk header field 'size_idx' {s}", path);
                c += s;
            }
        }
    }
}
