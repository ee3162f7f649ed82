// On-media list entry and list head of atomic lists (PMDK: include/libpmemobj/lists_atomic_base.h, libpmemobj/list.h struct list_entry, list_head).
using System.Runtime.InteropServices;
using Pmdk.Obj.Locks;

namespace Pmdk.Obj.Lists;

/// <summary>
/// The 32-byte link embedded in each element: OIDs of the next and previous <b>objects</b> (their user-data
/// offsets, not the entries). The list is circular: the last element's next is the first.
/// </summary>
/// <remarks>C: <c>POBJ_LIST_ENTRY</c>, <c>struct list_entry</c></remarks>
[StructLayout(LayoutKind.Sequential, Size = Size)]
public struct PmemListEntry
{
    /// <summary>Bytes on media.</summary>
    public const int Size = 32;

    /// <summary>The next element (the first one for the last element). C: <c>pe_next</c>.</summary>
    public PmemOid Next;

    /// <summary>The previous element (the last one for the first element). C: <c>pe_prev</c>.</summary>
    public PmemOid Prev;
}

/// <summary>The 80-byte list head: the first element and the persistent mutex guarding the list.</summary>
/// <remarks>C: <c>POBJ_LIST_HEAD</c>, <c>struct list_head</c></remarks>
[StructLayout(LayoutKind.Sequential, Size = Size)]
public struct PmemListHead
{
    /// <summary>Bytes on media.</summary>
    public const int Size = 80;

    /// <summary>Offset of the mutex in the head.</summary>
    public const int LockOffset = 16;

    /// <summary>The first element (offset 0: the list is empty). C: <c>pe_first</c>.</summary>
    public PmemOid First;

    /// <summary>The list's lock, held by every atomic list operation. C: <c>lock</c>.</summary>
    public PmemMutexData Lock;
}
