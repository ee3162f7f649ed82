// One deferred heap or memory change: a reservation, a deferred free or a deferred 8-byte store (PMDK: libpmemobj/palloc.h struct pobj_action_internal).
using Pmdk.Obj.Heap;

namespace Pmdk.Obj.Actions;

/// <summary>What a <see cref="HeapAction"/> does when published.</summary>
internal enum HeapActionKind : byte
{
    /// <summary>Nothing (a default or cancelled action).</summary>
    None,

    /// <summary>Publishes a reserved block (bitmap OR or chunk header SET USED).</summary>
    Alloc,

    /// <summary>Frees an allocated block (bitmap AND or chunk header SET FREE).</summary>
    Free,

    /// <summary>Stores <see cref="HeapAction.Value"/> at <see cref="HeapAction.Offset"/>.</summary>
    Set,
}

/// <summary>
/// The DRAM description of a deferred change. Nothing of it is durable until it is published, when it becomes
/// one entry of a redo log. Plain data (unmanaged) so that spans of actions can be reinterpreted.
/// </summary>
internal struct HeapAction
{
    public HeapActionKind Kind;
    public bool IsHuge;
    public ChunkFlags ChunkFlags;
    public int Zone;
    public uint Chunk;
    public uint SizeIdx;
    public uint BitmapWord;
    public ulong RunChunkOffset;
    public ulong BitmapWordOffset;
    public ulong Mask;

    /// <summary>User offset of the object (alloc, free) or target offset (set).</summary>
    public ulong Offset;

    /// <summary>The value stored by a set action.</summary>
    public ulong Value;

    /// <summary>Bytes of the block (statistics).</summary>
    public ulong RealSize;

    /// <summary>Usable bytes of the object.</summary>
    public ulong UsableSize;

    /// <summary>The pool the action belongs to.</summary>
    public ulong PoolUuidLo;
}
