// Circular doubly-linked persistent lists with an 80-byte head, as POBJ_LIST_* lays them out (PMDK: libpmemobj list.c, made atomic here with transactions).
using Pmdk.Obj;
using Pmdk.Obj.Tx;

namespace Pmdk.Examples.MapCli;

/// <summary>
/// POBJ_LIST operations on a head <c>{ TOID pe_first; PMEMmutex lock; }</c> and an entry field <c>{ TOID pe_next, pe_prev; }</c>.
/// Each operation runs in one transaction, so it is all-or-nothing like C's redo-logged list API; the result on media is the same.
/// </summary>
internal sealed class PersistentList(ObjPool pool, ulong entryFieldOffset)
{
    /// <summary>Bytes of a list head (TOID + PMEMmutex).</summary>
    public const ulong HeadSize = 80;

    private ref PmemOid NextOf(PmemOid e) => ref pool.Oid(e, entryFieldOffset);

    private ref PmemOid PrevOf(PmemOid e) => ref pool.Oid(e, entryFieldOffset + 16);

    /// <summary>The first element (null when empty). C: <c>POBJ_LIST_FIRST</c>.</summary>
    public PmemOid First(PmemOid holder, ulong headOffset) => pool.Oid(holder, headOffset);

    /// <summary>The element after <paramref name="e"/>, or null at the end. C: <c>POBJ_LIST_FOREACH</c> step.</summary>
    public PmemOid Next(PmemOid holder, ulong headOffset, PmemOid e)
    {
        PmemOid next = NextOf(e);
        return next == First(holder, headOffset) ? PmemOid.Null : next;
    }

    /// <summary>Allocates an element, lets <paramref name="construct"/> fill it, and links it first. C: <c>POBJ_LIST_INSERT_NEW_HEAD</c>.</summary>
    public PmemOid InsertNewHead(PmemOid holder, ulong headOffset, ulong size, ulong typeNumber, Action<PmemOid> construct)
    {
        PmemOid created = PmemOid.Null;
        pool.Transaction(tx =>
        {
            PmemOid e = tx.ZAllocate(size, typeNumber);
            construct(e);
            LinkHead(tx, holder, headOffset, e);
            created = e;
        });
        return created;
    }

    /// <summary>Unlinks an element and frees it. C: <c>POBJ_LIST_REMOVE_FREE</c>.</summary>
    public void RemoveFree(PmemOid holder, ulong headOffset, PmemOid e) => pool.Transaction(tx =>
    {
        Unlink(tx, holder, headOffset, e);
        tx.Free(e);
    });

    /// <summary>Moves an element to the head of another list. C: <c>POBJ_LIST_MOVE_ELEMENT_HEAD</c>.</summary>
    public void MoveHead(PmemOid fromHolder, ulong fromHead, PmemOid toHolder, ulong toHead, PmemOid e) => pool.Transaction(tx =>
    {
        Unlink(tx, fromHolder, fromHead, e);
        LinkHead(tx, toHolder, toHead, e);
    });

    private void LinkHead(ObjTransaction tx, PmemOid holder, ulong headOffset, PmemOid e)
    {
        tx.AddRange(e, entryFieldOffset, 32);
        tx.AddRange(holder, headOffset, 16);
        PmemOid first = First(holder, headOffset);
        if (first.IsNull)
        {
            NextOf(e) = e;
            PrevOf(e) = e;
        }
        else
        {
            PmemOid last = PrevOf(first);
            NextOf(e) = first;
            PrevOf(e) = last;
            tx.AddRange(last, entryFieldOffset, 16);
            NextOf(last) = e;
            tx.AddRange(first, entryFieldOffset + 16, 16);
            PrevOf(first) = e;
        }
        pool.Oid(holder, headOffset) = e;
    }

    private void Unlink(ObjTransaction tx, PmemOid holder, ulong headOffset, PmemOid e)
    {
        tx.AddRange(holder, headOffset, 16);
        PmemOid next = NextOf(e);
        PmemOid prev = PrevOf(e);
        if (next == e)
        {
            pool.Oid(holder, headOffset) = PmemOid.Null;
            return;
        }
        tx.AddRange(prev, entryFieldOffset, 16);
        NextOf(prev) = next;
        tx.AddRange(next, entryFieldOffset + 16, 16);
        PrevOf(next) = prev;
        if (First(holder, headOffset) == e)
            pool.Oid(holder, headOffset) = next;
    }
}
