// Blocks reserved in DRAM but not yet published, and the index of runs by chunk (PMDK: libpmemobj/palloc.c palloc_reserve, heap.c bucket reservations).
namespace Pmdk.Obj.Heap;

internal sealed partial class Heap
{
    // Chunk blocks whose media header does not tell the truth yet, under the global lock: FREE on media but
    // reserved by an unpublished huge allocation, or being freed (the header goes FREE inside a redo log whose
    // block is returned to the free index only afterwards). The zone scan counts them as not free.
    private readonly HashSet<(int Zone, uint Chunk)> _reservedChunks = [];

    // Runs by chunk: slot = first chunk index of the zone + chunk. Written under the global lock, read by anyone.
    private readonly RunInfo?[] _runByChunk;
    private readonly uint[] _zoneFirstSlot;

    /// <summary>The run whose first chunk is at <paramref name="runChunkOffset"/>, or null.</summary>
    public RunInfo? RunAt(ulong runChunkOffset)
    {
        ulong zonesStart = HeapOffset + HeapLayout.HeaderSize;
        if (runChunkOffset < zonesStart + HeapLayout.ZoneMetaSize)
            return null;
        ulong rel = runChunkOffset - zonesStart;
        ulong zone = rel / HeapLayout.ZoneMaxSize;
        if (zone >= (ulong)ZoneCount)
            return null;
        rel -= zone * HeapLayout.ZoneMaxSize;
        if (rel < HeapLayout.ZoneMetaSize)
            return null;
        ulong chunk = (rel - HeapLayout.ZoneMetaSize) / HeapLayout.ChunkSize;
        if (chunk >= _zoneChunks[zone])
            return null;
        return Volatile.Read(ref _runByChunk[_zoneFirstSlot[zone] + chunk]);
    }

    private void SetRunAt(int zone, uint chunk, RunInfo? run)
    {
        if (chunk < _zoneChunks[zone])
            Volatile.Write(ref _runByChunk[_zoneFirstSlot[zone] + chunk], run);
    }

    /// <summary>Marks a block taken by <see cref="TryReserveChunks"/> (or being freed) as not free. Global lock.</summary>
    public void ReserveChunkBlock(int zone, uint chunk) => _reservedChunks.Add((zone, chunk));

    /// <summary>Forgets a reserved chunk block (published: USED on media; cancelled or freed: the caller releases it). Global lock.</summary>
    public void UnreserveChunkBlock(int zone, uint chunk) => _reservedChunks.Remove((zone, chunk));

    private bool IsReservedChunkBlock(int zone, uint chunk) => _reservedChunks.Count != 0 && _reservedChunks.Contains((zone, chunk));

    private static bool HasReservedBits(RunInfo r)
    {
        foreach (ref ulong w in r.ReservedWords)
        {
            if (Volatile.Read(ref w) != 0)
                return true;
        }
        return false;
    }
}
