// Blocks reserved in DRAM but not yet published: hidden from the allocator and from the zone scan (PMDK: libpmemobj/palloc.c palloc_reserve, heap.c bucket reservations).
namespace Pmdk.Obj.Heap;

internal sealed partial class Heap
{
    // Run chunk offset → per bitmap word, the bits reserved by unpublished actions (a transaction's allocations,
    // pmemobj_reserve). The media bitmap still says free; the allocator ORs these in when it searches.
    // Arrays are kept once created (one per run that ever had a reservation) so the hot path allocates nothing.
    private readonly Dictionary<ulong, ulong[]> _reservedBits = [];
    private int _reservedRunBlocks;

    // Chunk blocks reserved by unpublished huge allocations: (zone, first chunk). Their media header says FREE.
    private readonly HashSet<(int Zone, uint Chunk)> _reservedChunks = [];

    /// <summary>Reserved bits of a run's bitmap word (0 when none).</summary>
    private ulong ReservedMask(ulong runChunkOffset, uint word) =>
        _reservedRunBlocks != 0 && _reservedBits.TryGetValue(runChunkOffset, out ulong[]? r) && word < r.Length ? r[word] : 0;

    /// <summary>Hides <paramref name="mask"/> of word <paramref name="word"/> of a run from later searches.</summary>
    public void ReserveBits(ulong runChunkOffset, uint word, ulong mask, uint bitmapWords)
    {
        if (!_reservedBits.TryGetValue(runChunkOffset, out ulong[]? r))
            _reservedBits[runChunkOffset] = r = new ulong[bitmapWords];
        r[word] |= mask;
        _reservedRunBlocks++;
    }

    /// <summary>Forgets a reservation of run bits (published: the media bitmap now has them; cancelled: free again).</summary>
    public void UnreserveBits(ulong runChunkOffset, uint word, ulong mask)
    {
        if (!_reservedBits.TryGetValue(runChunkOffset, out ulong[]? r) || (r[word] & mask) == 0)
            return;
        r[word] &= ~mask;
        _reservedRunBlocks--;
    }

    /// <summary>Marks a block taken by <see cref="TryReserveChunks"/> as reserved until published or cancelled.</summary>
    public void ReserveChunkBlock(int zone, uint chunk) => _reservedChunks.Add((zone, chunk));

    /// <summary>Forgets a reserved chunk block (published: USED on media; cancelled: the caller releases it).</summary>
    public void UnreserveChunkBlock(int zone, uint chunk) => _reservedChunks.Remove((zone, chunk));

    private bool IsReservedChunkBlock(int zone, uint chunk) => _reservedChunks.Count != 0 && _reservedChunks.Contains((zone, chunk));

    private bool HasReservedBits(ulong runChunkOffset)
    {
        if (_reservedRunBlocks == 0 || !_reservedBits.TryGetValue(runChunkOffset, out ulong[]? r))
            return false;
        foreach (ulong w in r)
        {
            if (w != 0)
                return true;
        }
        return false;
    }
}
