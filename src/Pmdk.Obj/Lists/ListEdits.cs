// The link updates of one list operation, computed from the current state before any is applied (PMDK: libpmemobj/list.c list_insert_user, list_remove_single, list_move).
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Lists;

/// <summary>
/// Computes the 8-byte stores that link, unlink or move an element, reading only the state before the operation,
/// in PMDK's order (a later store to the same word wins). The stores then go either into a redo log (atomic
/// API) or through transaction snapshots. Every link read from the media is bounds-checked first.
/// </summary>
internal sealed class ListEdits
{
    private const ulong NextOff = 8, PrevOff = 24, PrevUuid = 16;

    private readonly ObjMemory _pool;
    private readonly ulong _uuidLo, _heapStart, _heapEnd;
    private readonly List<(ulong Offset, ulong Value)> _stores = new(16);

    public ListEdits(ObjMemory pool, ulong uuidLo, ulong heapStart, ulong heapEnd)
    {
        _pool = pool;
        _uuidLo = uuidLo;
        _heapStart = heapStart;
        _heapEnd = heapEnd;
    }

    public List<(ulong Offset, ulong Value)> Stores => _stores;

    private void Set(ulong offset, ulong value) => _stores.Add((offset, value));

    /// <summary>Checks an element offset (from the caller or the media) so that its entry lies in the heap.</summary>
    public ulong CheckElement(ulong obj, ulong pe, string what)
    {
        if (obj < _heapStart || obj >= _heapEnd || pe > _heapEnd - obj || _heapEnd - obj - pe < PmemListEntry.Size)
        {
            throw new PoolCorruptedException(
                $"list {what} 0x{obj:x} (entry at +{pe}) lies outside the heap [0x{_heapStart:x}, 0x{_heapEnd:x})", _pool.Path);
        }
        return obj;
    }

    public ulong NextOf(ulong obj, ulong pe) => CheckElement(_pool.Word(obj + pe + NextOff), pe, "pe_next");

    public ulong PrevOf(ulong obj, ulong pe) => CheckElement(_pool.Word(obj + pe + PrevOff), pe, "pe_prev");

    public ulong First(ulong head) => _pool.Word(head + 8);

    /// <summary>C: <c>list_update_head</c>.</summary>
    public void UpdateHead(ulong head, ulong first)
    {
        Set(head + 8, first);
        if (_pool.Word(head) == 0)
            Set(head, _uuidLo);
    }

    /// <summary>The element to insert next to: <paramref name="dest"/>, else the first (head) or last (tail). C: <c>list_get_dest</c>.</summary>
    public ulong Destination(ulong head, ulong dest, ulong pe, bool before)
    {
        if (dest != 0)
            return dest;
        ulong first = First(head);
        if (first == 0 || before)
            return first == 0 ? 0 : CheckElement(first, pe, "pe_first");
        return PrevOf(CheckElement(first, pe, "pe_first"), pe);
    }

    /// <summary>Links <paramref name="obj"/> next to <paramref name="dest"/> (0: into an empty list). C: <c>list_insert_user</c>.</summary>
    public void InsertUser(ulong head, ulong dest, bool before, ulong obj, ulong pe, out ulong next, out ulong prev)
    {
        if (dest == 0)
        {
            if (First(head) != 0)
                throw new ArgumentException("no destination although the list is not empty.", nameof(dest));
            next = prev = obj;
            UpdateHead(head, obj);
            return;
        }
        if (before)
        {
            next = dest;
            prev = PrevOf(dest, pe);
            if (First(head) == dest)
                UpdateHead(head, obj);
        }
        else
        {
            next = NextOf(dest, pe);
            prev = dest;
        }
        Set(prev + pe + NextOff, obj);
        Set(next + pe + PrevOff, obj);
    }

    /// <summary>Unlinks <paramref name="obj"/>. C: <c>list_remove_single</c>.</summary>
    public void RemoveSingle(ulong head, ulong obj, ulong pe)
    {
        ulong rawNext = _pool.Word(obj + pe + NextOff);
        if (rawNext == 0)
            throw new ArgumentException($"object 0x{obj:x} is not on a list (its pe_next is null).", "oid");
        ulong next = CheckElement(rawNext, pe, "pe_next");
        if (next == obj)
        {
            UpdateHead(head, 0);
            return;
        }
        ulong prev = PrevOf(obj, pe);
        Set(next + pe + PrevOff, prev);
        Set(prev + pe + NextOff, next);
        if (First(head) == obj)
            UpdateHead(head, next);
    }

    /// <summary>
    /// Sets the element's own links. With <paramref name="setUuid"/> the uuid halves are written and the entry
    /// persisted directly first (they are not read by anyone until the links commit). C: <c>list_fill_entry_redo_log</c>.
    /// </summary>
    public void FillEntry(ulong obj, ulong pe, ulong next, ulong prev, bool setUuid)
    {
        if (setUuid)
        {
            Volatile.Write(ref _pool.Word(obj + pe), _uuidLo);
            Volatile.Write(ref _pool.Word(obj + pe + PrevUuid), _uuidLo);
            _pool.Persist(obj + pe, PmemListEntry.Size);
        }
        Set(obj + pe + NextOff, next);
        Set(obj + pe + PrevOff, prev);
    }

    /// <summary>Writes a new element's entry directly and persists it. C: <c>list_fill_entry_persist</c>.</summary>
    public void FillEntryPersist(ulong obj, ulong pe, ulong next, ulong prev)
    {
        _pool.Word(obj + pe) = _uuidLo;
        _pool.Word(obj + pe + NextOff) = next;
        _pool.Word(obj + pe + PrevUuid) = _uuidLo;
        _pool.Word(obj + pe + PrevOff) = prev;
        _pool.Persist(obj + pe, PmemListEntry.Size);
    }

    /// <summary>
    /// The stores of moving <paramref name="obj"/> from one list (or entry field) to another; false when nothing
    /// changes. C: <c>list_move</c>.
    /// </summary>
    public bool Move(ulong peOld, ulong headOld, ulong peNew, ulong headNew, ulong dest, bool before, ulong obj)
    {
        if (headOld == headNew)
        {
            if (dest == obj)
                return false;
            if (before && PrevOf(dest, peNew) == obj)
            {
                if (First(headOld) != dest)
                    return false;
                UpdateHead(headOld, obj);
                return true;
            }
            if (!before && NextOf(dest, peNew) == obj)
            {
                if (First(headOld) != obj)
                    return false;
                UpdateHead(headOld, NextOf(obj, peOld));
                return true;
            }
        }
        RemoveSingle(headOld, obj, peOld);
        InsertUser(headNew, dest, before, obj, peNew, out ulong next, out ulong prev);
        FillEntry(obj, peNew, next, prev, setUuid: peNew != peOld);
        return true;
    }
}
