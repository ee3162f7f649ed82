// Atomic lists of a pool: insert, insert-new, remove, remove-free and move, fail-safe through the lane's redo log (PMDK: libpmemobj/list.c, obj.c pmemobj_list_*).
using Pmdk.Obj.Actions;
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Lists;
using Pmdk.Obj.Locks;
using Pmdk.Obj.Tx;
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj;

public sealed partial class ObjPool
{
    /// <summary>
    /// Links <paramref name="oid"/> into the list whose head is at pool offset <paramref name="headOffset"/>,
    /// before or after <paramref name="dest"/> (a null <paramref name="dest"/>: at the head when
    /// <paramref name="before"/>, else at the tail). <paramref name="entryOffset"/> is the offset of the
    /// <see cref="PmemListEntry"/> inside the element. All link updates commit in one redo log under the head's lock.
    /// </summary>
    /// <remarks>C: <c>pmemobj_list_insert</c></remarks>
    public void ListInsert(ulong entryOffset, ulong headOffset, PmemOid dest, bool before, PmemOid oid)
    {
        CheckOid(oid);
        ListEdits e = ListEditor(headOffset);
        e.CheckElement(oid.Offset, entryOffset, "element");
        PmemMutex lk = ListLock(headOffset);
        lk.Lock();
        try
        {
            ulong d = e.Destination(headOffset, CheckedDest(dest, entryOffset, e), entryOffset, before);
            e.InsertUser(headOffset, d, before, oid.Offset, entryOffset, out ulong next, out ulong prev);
            e.FillEntry(oid.Offset, entryOffset, next, prev, setUuid: true);
            Commit(e, null);
        }
        finally
        {
            lk.Unlock();
        }
    }

    /// <summary>
    /// Allocates an object of <paramref name="size"/> bytes, runs <paramref name="constructor"/>, and links it
    /// like <see cref="ListInsert"/>: the allocation and the links commit together (a crash leaves neither).
    /// </summary>
    /// <returns>The new element.</returns>
    /// <remarks>C: <c>pmemobj_list_insert_new</c>, <c>POBJ_LIST_INSERT_NEW_HEAD/TAIL/AFTER/BEFORE</c></remarks>
    public PmemOid ListInsertNew(ulong entryOffset, ulong headOffset, PmemOid dest, bool before, ulong size, ulong typeNumber,
        ObjectConstructor? constructor = null)
    {
        CheckSize(size);
        if (entryOffset > size || size - entryOffset < PmemListEntry.Size)
            throw new ArgumentOutOfRangeException(nameof(entryOffset), $"the list entry at +{entryOffset} does not fit an object of {size} bytes.");
        ListEdits e = ListEditor(headOffset);
        PmemMutex lk = ListLock(headOffset);
        lk.Lock();
        try
        {
            HeapAction act;
            if (constructor is not null)
            {
                var init = new ConstructorInit(constructor, zero: false);
                _alloc.Reserve(size, typeNumber, 0, ref init, out act);
            }
            else
            {
                var none = default(NoInit);
                _alloc.Reserve(size, typeNumber, 0, ref none, out act);
            }
            try
            {
                ulong d = e.Destination(headOffset, CheckedDest(dest, entryOffset, e), entryOffset, before);
                e.InsertUser(headOffset, d, before, act.Offset, entryOffset, out ulong next, out ulong prev);
                e.FillEntryPersist(act.Offset, entryOffset, next, prev);
            }
            catch
            {
                _alloc.Cancel(new Span<HeapAction>(ref act));
                throw;
            }
            Commit(e, act);
            return new PmemOid(UuidLo, act.Offset);
        }
        finally
        {
            lk.Unlock();
        }
    }

    /// <summary>
    /// Unlinks <paramref name="oid"/> from the list; with <paramref name="free"/> the object is also freed in the
    /// same redo log. The element's own links become null (unless freed).
    /// </summary>
    /// <remarks>C: <c>pmemobj_list_remove</c>, <c>POBJ_LIST_REMOVE</c>, <c>POBJ_LIST_REMOVE_FREE</c></remarks>
    public void ListRemove(ulong entryOffset, ulong headOffset, PmemOid oid, bool free = false)
    {
        CheckOid(oid);
        ListEdits e = ListEditor(headOffset);
        e.CheckElement(oid.Offset, entryOffset, "element");
        PmemMutex lk = ListLock(headOffset);
        lk.Lock();
        try
        {
            e.RemoveSingle(headOffset, oid.Offset, entryOffset);
            if (free)
            {
                Commit(e, _alloc.DeferFree(oid.Offset));
            }
            else
            {
                e.FillEntry(oid.Offset, entryOffset, 0, 0, setUuid: false);
                Commit(e, null);
            }
        }
        finally
        {
            lk.Unlock();
        }
    }

    /// <summary>
    /// Moves <paramref name="oid"/> from one list (entry field <paramref name="entryOffsetOld"/>) to another
    /// (or to another place of the same list) in one redo log, holding both heads' locks (lower offset first).
    /// </summary>
    /// <remarks>C: <c>pmemobj_list_move</c>, <c>POBJ_LIST_MOVE_ELEMENT_HEAD/TAIL/AFTER/BEFORE</c></remarks>
    public void ListMove(ulong entryOffsetOld, ulong headOffsetOld, ulong entryOffsetNew, ulong headOffsetNew,
        PmemOid dest, bool before, PmemOid oid)
    {
        CheckOid(oid);
        ListEdits e = ListEditor(headOffsetOld);
        ListEditor(headOffsetNew);
        e.CheckElement(oid.Offset, entryOffsetOld, "element");
        e.CheckElement(oid.Offset, entryOffsetNew, "element");
        PmemMutex first = ListLock(Math.Min(headOffsetOld, headOffsetNew));
        PmemMutex second = ListLock(Math.Max(headOffsetOld, headOffsetNew));
        first.Lock();
        try
        {
            if (second != first)
                second.Lock();
            try
            {
                ulong d = e.Destination(headOffsetNew, CheckedDest(dest, entryOffsetNew, e), entryOffsetNew, before);
                if (e.Move(entryOffsetOld, headOffsetOld, entryOffsetNew, headOffsetNew, d, before, oid.Offset))
                    Commit(e, null);
            }
            finally
            {
                if (second != first)
                    second.Unlock();
            }
        }
        finally
        {
            first.Unlock();
        }
    }

    /// <summary>A handle on the list with its head at <paramref name="headOffset"/> bytes into <paramref name="oid"/>, whose elements embed their entry at <paramref name="entryOffset"/>.</summary>
    public PmemList List(PmemOid oid, ulong headOffset, ulong entryOffset)
    {
        CheckOid(oid);
        ListEditor(oid.Offset + headOffset);
        return new PmemList(this, oid.Offset + headOffset, entryOffset);
    }

    /// <summary>A handle on the list whose head is <paramref name="head"/> (in this pool).</summary>
    public PmemList List(ref PmemListHead head, ulong entryOffset)
    {
        ulong off = OffsetOf(ref head) ?? throw new ArgumentException("the list head does not live in the pool.", nameof(head));
        ListEditor(off);
        return new PmemList(this, off, entryOffset);
    }

    internal ListEdits ListEditor(ulong headOffset)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ulong end = _alloc.Heap.HeapEnd;
        if (headOffset % 8 != 0 || headOffset < HeapOffset || headOffset > end - PmemListHead.Size)
            throw new ArgumentOutOfRangeException(nameof(headOffset), $"a list head at pool offset 0x{headOffset:x} must be 8-byte aligned with its 80 bytes inside the heap.");
        return new ListEdits(_pool, UuidLo, HeapOffset, end);
    }

    internal PmemMutex ListLock(ulong headOffset) => MutexAt(headOffset + PmemListHead.LockOffset);

    private ulong CheckedDest(PmemOid dest, ulong entryOffset, ListEdits e)
    {
        if (dest.IsNull)
            return 0;
        CheckOid(dest);
        return e.CheckElement(dest.Offset, entryOffset, "destination");
    }

    /// <summary>Stores the edits (and a heap action) in the lane's external redo log, applies them. C: <c>operation_process</c> / <c>palloc_publish</c>.</summary>
    private void Commit(ListEdits e, HeapAction? act)
    {
        int lane = _alloc.Lanes.Acquire();
        try
        {
            Operation op = _alloc.Lanes.External(lane);
            op.Start();
            foreach ((ulong off, ulong value) in e.Stores)
                op.Add(off, value, UlogOperation.Set);
            if (act is HeapAction a)
            {
                _alloc.Publish(op, new ReadOnlySpan<HeapAction>(in a), _alloc.ExtenderFor(lane));
            }
            else
            {
                _pool.Drain();
                op.Process(_alloc.ExtenderFor(lane));
            }
        }
        finally
        {
            _alloc.Lanes.Release(lane);
        }
    }

    /// <summary>Links <paramref name="oid"/> inside a transaction: the head's lock joins the transaction, the changed links are snapshotted.</summary>
    internal void TxListInsert(ObjTransaction tx, PmemList list, PmemOid dest, bool before, PmemOid oid)
    {
        ArgumentNullException.ThrowIfNull(tx);
        CheckOid(oid);
        ListEdits e = ListEditor(list.HeadOffset);
        ulong pe = list.EntryOffset;
        e.CheckElement(oid.Offset, pe, "element");
        tx.Lock(ListLock(list.HeadOffset));
        ulong d = e.Destination(list.HeadOffset, CheckedDest(dest, pe, e), pe, before);
        e.InsertUser(list.HeadOffset, d, before, oid.Offset, pe, out ulong next, out ulong prev);
        tx.AddRangeDirect(oid.Offset + pe, PmemListEntry.Size);
        _pool.Word(oid.Offset + pe) = UuidLo;
        _pool.Word(oid.Offset + pe + 16) = UuidLo;
        e.FillEntry(oid.Offset, pe, next, prev, setUuid: false);
        TxApply(tx, e);
    }

    /// <summary>Unlinks <paramref name="oid"/> inside a transaction.</summary>
    internal void TxListRemove(ObjTransaction tx, PmemList list, PmemOid oid)
    {
        ArgumentNullException.ThrowIfNull(tx);
        CheckOid(oid);
        ListEdits e = ListEditor(list.HeadOffset);
        e.CheckElement(oid.Offset, list.EntryOffset, "element");
        tx.Lock(ListLock(list.HeadOffset));
        e.RemoveSingle(list.HeadOffset, oid.Offset, list.EntryOffset);
        e.FillEntry(oid.Offset, list.EntryOffset, 0, 0, setUuid: false);
        TxApply(tx, e);
    }

    private void TxApply(ObjTransaction tx, ListEdits e)
    {
        foreach ((ulong off, _) in e.Stores)
            tx.AddRangeDirect(off, 8);
        foreach ((ulong off, ulong value) in e.Stores)
            Volatile.Write(ref _pool.Word(off), value);
    }
}
