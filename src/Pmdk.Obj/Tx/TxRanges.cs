// The ranges a transaction covers, kept sorted and merged so that no byte is snapshotted twice (PMDK: libpmemobj/tx.c pmemobj_tx_add_common over a ravl of tx_range_def).
namespace Pmdk.Obj.Tx;

/// <summary>A covered range: snapshotted, allocated in the transaction, or added without snapshot.</summary>
internal struct TxRange
{
    public ulong Offset;
    public ulong Size;
    public TxAddFlags Flags;

    public readonly ulong End => Offset + Size;
}

/// <summary>
/// Sorted, non-overlapping ranges (by offset) in a reused array: binary search, insertion by shifting. For the
/// few hundred ranges of a typical transaction this beats a tree and allocates nothing once warm.
/// </summary>
internal sealed class TxRanges
{
    private TxRange[] _items = new TxRange[16];
    private int _count;

    public int Count => _count;

    public ref TxRange this[int index] => ref _items[index];

    public void Clear() => _count = 0;

    /// <summary>Index of the last range whose offset is &lt; (or &lt;= when <paramref name="orEqual"/>) <paramref name="offset"/>; -1 if none.</summary>
    public int FindBelow(ulong offset, bool orEqual)
    {
        int lo = 0, hi = _count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            ulong o = _items[mid].Offset;
            if (o < offset || (orEqual && o == offset))
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found;
    }

    /// <summary>Index of the range starting exactly at <paramref name="offset"/>, or -1.</summary>
    public int FindExact(ulong offset)
    {
        int i = FindBelow(offset, orEqual: true);
        return i >= 0 && _items[i].Offset == offset ? i : -1;
    }

    /// <summary>Inserts a range at its sorted position (a range at the same offset is widened instead).</summary>
    public void Insert(ulong offset, ulong size, TxAddFlags flags)
    {
        int i = FindBelow(offset, orEqual: true);
        if (i >= 0 && _items[i].Offset == offset)
        {
            ref TxRange r = ref _items[i];
            r.Size = Math.Max(r.Size, size);
            return;
        }
        int at = i + 1;
        if (_count == _items.Length)
            Array.Resize(ref _items, _items.Length * 2);
        if (at < _count)
            Array.Copy(_items, at, _items, at + 1, _count - at);
        _items[at] = new TxRange { Offset = offset, Size = size, Flags = flags };
        _count++;
    }

    public void RemoveAt(int index)
    {
        _count--;
        if (index < _count)
            Array.Copy(_items, index + 1, _items, index, _count - index);
    }
}
