// A handle on one atomic list: navigation and the POBJ_LIST_* operations, atomic or inside a transaction (PMDK: include/libpmemobj/lists_atomic.h).
using System.Collections;
using Pmdk.Obj.Tx;

namespace Pmdk.Obj.Lists;

/// <summary>
/// The list whose <see cref="PmemListHead"/> is at pool offset <see cref="HeadOffset"/> and whose elements embed
/// a <see cref="PmemListEntry"/> at <see cref="EntryOffset"/>. Atomic operations take the head's lock and commit
/// through a redo log; the overloads taking an <see cref="ObjTransaction"/> snapshot the changed links instead
/// and hold the head's lock until the transaction ends. Enumeration runs from the first element to the last.
/// </summary>
public readonly struct PmemList : IEnumerable<PmemOid>
{
    private readonly ObjPool _pool;

    internal PmemList(ObjPool pool, ulong headOffset, ulong entryOffset)
    {
        _pool = pool;
        HeadOffset = headOffset;
        EntryOffset = entryOffset;
    }

    /// <summary>Pool offset of the head.</summary>
    public ulong HeadOffset { get; }

    /// <summary>Offset of the entry inside each element.</summary>
    public ulong EntryOffset { get; }

    /// <summary>The first element, or null. C: <c>POBJ_LIST_FIRST</c>.</summary>
    public PmemOid First => Oid(Editor().First(HeadOffset) == 0 ? 0 : Editor().CheckElement(Editor().First(HeadOffset), EntryOffset, "pe_first"));

    /// <summary>The last element, or null. C: <c>POBJ_LIST_LAST</c>.</summary>
    public PmemOid Last
    {
        get
        {
            ulong first = Editor().First(HeadOffset);
            return first == 0 ? PmemOid.Null : Oid(Editor().PrevOf(Editor().CheckElement(first, EntryOffset, "pe_first"), EntryOffset));
        }
    }

    /// <summary>Whether the list is empty. C: <c>POBJ_LIST_EMPTY</c>.</summary>
    public bool IsEmpty => Editor().First(HeadOffset) == 0;

    /// <summary>The element after <paramref name="oid"/> (circular: the first after the last). C: <c>POBJ_LIST_NEXT</c>.</summary>
    public PmemOid Next(PmemOid oid) => Oid(Editor().NextOf(Editor().CheckElement(oid.Offset, EntryOffset, "element"), EntryOffset));

    /// <summary>The element before <paramref name="oid"/> (circular). C: <c>POBJ_LIST_PREV</c>.</summary>
    public PmemOid Prev(PmemOid oid) => Oid(Editor().PrevOf(Editor().CheckElement(oid.Offset, EntryOffset, "element"), EntryOffset));

    /// <summary>Inserts at the head. C: <c>POBJ_LIST_INSERT_HEAD</c>.</summary>
    public void InsertHead(PmemOid oid) => _pool.ListInsert(EntryOffset, HeadOffset, PmemOid.Null, true, oid);

    /// <summary>Inserts at the tail. C: <c>POBJ_LIST_INSERT_TAIL</c>.</summary>
    public void InsertTail(PmemOid oid) => _pool.ListInsert(EntryOffset, HeadOffset, PmemOid.Null, false, oid);

    /// <summary>Inserts after <paramref name="dest"/>. C: <c>POBJ_LIST_INSERT_AFTER</c>.</summary>
    public void InsertAfter(PmemOid dest, PmemOid oid) => _pool.ListInsert(EntryOffset, HeadOffset, NotNull(dest), false, oid);

    /// <summary>Inserts before <paramref name="dest"/>. C: <c>POBJ_LIST_INSERT_BEFORE</c>.</summary>
    public void InsertBefore(PmemOid dest, PmemOid oid) => _pool.ListInsert(EntryOffset, HeadOffset, NotNull(dest), true, oid);

    /// <summary>Allocates and inserts at the head. C: <c>POBJ_LIST_INSERT_NEW_HEAD</c>.</summary>
    public PmemOid InsertNewHead(ulong size, ulong typeNumber, ObjectConstructor? constructor = null) =>
        _pool.ListInsertNew(EntryOffset, HeadOffset, PmemOid.Null, true, size, typeNumber, constructor);

    /// <summary>Allocates and inserts at the tail. C: <c>POBJ_LIST_INSERT_NEW_TAIL</c>.</summary>
    public PmemOid InsertNewTail(ulong size, ulong typeNumber, ObjectConstructor? constructor = null) =>
        _pool.ListInsertNew(EntryOffset, HeadOffset, PmemOid.Null, false, size, typeNumber, constructor);

    /// <summary>Allocates and inserts after <paramref name="dest"/>. C: <c>POBJ_LIST_INSERT_NEW_AFTER</c>.</summary>
    public PmemOid InsertNewAfter(PmemOid dest, ulong size, ulong typeNumber, ObjectConstructor? constructor = null) =>
        _pool.ListInsertNew(EntryOffset, HeadOffset, NotNull(dest), false, size, typeNumber, constructor);

    /// <summary>Allocates and inserts before <paramref name="dest"/>. C: <c>POBJ_LIST_INSERT_NEW_BEFORE</c>.</summary>
    public PmemOid InsertNewBefore(PmemOid dest, ulong size, ulong typeNumber, ObjectConstructor? constructor = null) =>
        _pool.ListInsertNew(EntryOffset, HeadOffset, NotNull(dest), true, size, typeNumber, constructor);

    /// <summary>Unlinks an element. C: <c>POBJ_LIST_REMOVE</c>.</summary>
    public void Remove(PmemOid oid) => _pool.ListRemove(EntryOffset, HeadOffset, oid, free: false);

    /// <summary>Unlinks and frees an element atomically. C: <c>POBJ_LIST_REMOVE_FREE</c>.</summary>
    public void RemoveFree(PmemOid oid) => _pool.ListRemove(EntryOffset, HeadOffset, oid, free: true);

    /// <summary>
    /// Moves <paramref name="oid"/> into <paramref name="target"/> (which may be this list), before or after
    /// <paramref name="dest"/> (null: head when <paramref name="before"/>, else tail).
    /// </summary>
    /// <remarks>C: <c>POBJ_LIST_MOVE_ELEMENT_HEAD/TAIL/AFTER/BEFORE</c></remarks>
    public void MoveTo(PmemList target, PmemOid dest, bool before, PmemOid oid)
    {
        if (!ReferenceEquals(target._pool, _pool))
            throw new ArgumentException("the target list belongs to another pool.", nameof(target));
        _pool.ListMove(EntryOffset, HeadOffset, target.EntryOffset, target.HeadOffset, dest, before, oid);
    }

    /// <summary>Inserts <paramref name="oid"/> inside <paramref name="tx"/> (null <paramref name="dest"/>: head when <paramref name="before"/>, else tail).</summary>
    public void Insert(ObjTransaction tx, PmemOid dest, bool before, PmemOid oid) => _pool.TxListInsert(tx, this, dest, before, oid);

    /// <summary>Allocates an element in <paramref name="tx"/> and inserts it; both vanish if the transaction aborts.</summary>
    public PmemOid InsertNew(ObjTransaction tx, PmemOid dest, bool before, ulong size, ulong typeNumber)
    {
        ArgumentNullException.ThrowIfNull(tx);
        if (EntryOffset > size || size - EntryOffset < PmemListEntry.Size)
            throw new ArgumentOutOfRangeException(nameof(size), $"the list entry at +{EntryOffset} does not fit an object of {size} bytes.");
        PmemOid oid = tx.ZAllocate(size, typeNumber);
        _pool.TxListInsert(tx, this, dest, before, oid);
        return oid;
    }

    /// <summary>Unlinks <paramref name="oid"/> inside <paramref name="tx"/>, and frees it at commit when <paramref name="free"/>.</summary>
    public void Remove(ObjTransaction tx, PmemOid oid, bool free = false)
    {
        _pool.TxListRemove(tx, this, oid);
        if (free)
            tx.Free(oid);
    }

    /// <inheritdoc/>
    public IEnumerator<PmemOid> GetEnumerator()
    {
        ulong first = Editor().First(HeadOffset);
        if (first == 0)
            yield break;
        ulong cur = Editor().CheckElement(first, EntryOffset, "pe_first");
        ulong limit = _pool.HeapSize / PmemListEntry.Size + 1;
        do
        {
            yield return Oid(cur);
            cur = Editor().NextOf(cur, EntryOffset);
            if (--limit == 0)
                throw new PoolCorruptedException($"list at 0x{HeadOffset:x} does not return to its first element", _pool.Path);
        }
        while (cur != first);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private ListEdits Editor() => (_pool ?? throw new InvalidOperationException("default PmemList handle.")).ListEditor(HeadOffset);

    private PmemOid Oid(ulong off) => off == 0 ? PmemOid.Null : new PmemOid(_pool.UuidLo, off);

    private static PmemOid NotNull(PmemOid dest) =>
        dest.IsNull ? throw new ArgumentException("the destination element is null.", nameof(dest)) : dest;
}
