// Reservations, deferred frees, publication and cancellation of heap actions (PMDK: libpmemobj/palloc.c palloc_reserve, palloc_defer_free, palloc_publish, palloc_cancel).
using Pmdk.Obj.Actions;
using Pmdk.Obj.Heap;
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Alloc;

internal sealed partial class PAllocator
{
    /// <summary>
    /// Reserves a block in DRAM, writes its header and runs <paramref name="init"/>; nothing becomes allocated on
    /// media until the action is published. The block is hidden from other allocations meanwhile.
    /// <paramref name="forcedClass"/> (null = best fit) is a class chosen by id. C: <c>palloc_reserve</c>.
    /// </summary>
    public void Reserve<TInit>(ulong size, ulong typeNum, ushort objFlags, ref TInit init, out HeapAction act,
        AllocationClass? forcedClass = null, Arena? arena = null)
        where TInit : struct, IBlockInitializer
    {
        act = default;
        act.PoolUuidLo = UuidLo;
        _heap.EnsureBooted();
        ReserveBlock(forcedClass ?? _heap.Classes.Select(size), size, objFlags, typeNum, out Reservation res, arena);
        act.Kind = HeapActionKind.Alloc;
        act.RealSize = res.RealSize;
        act.Offset = res.UserOffset;
        act.UsableSize = res.UsableSize;
        if (res.IsHuge)
        {
            act.IsHuge = true;
            act.Zone = res.Zone;
            act.Chunk = res.Chunk;
            act.SizeIdx = res.Count;
            act.ChunkFlags = ChunkFlags.CompactHeader;
        }
        else
        {
            RunInfo run = res.Run!;
            act.RunChunkOffset = run.ChunkOffset;
            act.BitmapWord = res.Bit / 64;
            act.BitmapWordOffset = run.BitmapOffset + res.Bit / 64 * 8;
            act.Mask = res.Mask;
        }
        try
        {
            init.Initialize(_pool, act.Offset, act.UsableSize);
        }
        catch
        {
            CancelAction(ref act);
            throw;
        }
    }

    /// <summary>Describes the free of an allocated object, to be done at publication. C: <c>palloc_defer_free</c>.</summary>
    public HeapAction DeferFree(ulong offset)
    {
        MemoryBlock m = _heap.Resolve(offset);
        return new HeapAction
        {
            Kind = HeapActionKind.Free,
            IsHuge = m.IsHuge,
            Zone = m.Zone,
            Chunk = m.Chunk,
            SizeIdx = m.SizeIdx,
            ChunkFlags = m.ChunkFlags,
            RunChunkOffset = m.RunChunkOffset,
            BitmapWordOffset = m.BitmapWordOffset,
            Mask = m.Mask,
            Offset = offset,
            RealSize = m.IsHuge ? m.SizeIdx * HeapLayout.ChunkSize : m.Units * m.Unit,
            UsableSize = m.UsableSize,
            PoolUuidLo = UuidLo,
        };
    }

    /// <summary>
    /// Publishes actions atomically through <paramref name="op"/> (already started; it may hold other entries):
    /// their redo entries, a drain so that reserved contents are durable, the redo log (the commit point), then
    /// the DRAM state. No allocator lock is held while the log is processed. C: <c>palloc_publish</c>.
    /// </summary>
    public void Publish(Operation op, ReadOnlySpan<HeapAction> actions, IUlogExtender extender)
    {
        _heap.EnsureBooted();
        foreach (ref readonly HeapAction a in actions)
        {
            if (a.Kind == HeapActionKind.Free && a.IsHuge)
                MarkHugeFree(a.Zone, a.Chunk);
            AddEntry(op, in a);
        }
        _pool.Drain();
        op.Process(extender);
        Arena arena = _heap.CurrentArena();
        foreach (ref readonly HeapAction a in actions)
            Published(arena, in a);
    }

    /// <summary>Publishes actions on a lane of its own. C: <c>pmemobj_publish</c>.</summary>
    public void Publish(ReadOnlySpan<HeapAction> actions)
    {
        int lane = _lanes.Acquire();
        try
        {
            Operation op = _lanes.External(lane);
            op.Start();
            Publish(op, actions, ExtenderFor(lane));
        }
        finally
        {
            _lanes.Release(lane);
        }
    }

    /// <summary>Returns reserved blocks to the heap; deferred frees and sets are simply dropped. C: <c>palloc_cancel</c>.</summary>
    public void Cancel(Span<HeapAction> actions)
    {
        foreach (ref HeapAction a in actions)
            CancelAction(ref a);
    }

    private void CancelAction(ref HeapAction a)
    {
        if (a.Kind == HeapActionKind.Alloc)
        {
            if (a.IsHuge)
            {
                lock (_heap.GlobalLock)
                {
                    _heap.UnreserveChunkBlock(a.Zone, a.Chunk);
                    _heap.ReleaseChunks(a.Zone, a.Chunk, a.SizeIdx);
                }
            }
            else
            {
                _heap.UnreserveBits(a.RunChunkOffset, a.BitmapWord, a.Mask);
                _heap.RunGainedSpace(a.RunChunkOffset);
            }
        }
        a.Kind = HeapActionKind.None;
    }

    private void AddEntry(Operation op, in HeapAction a)
    {
        switch (a.Kind)
        {
            case HeapActionKind.Alloc:
                if (a.IsHuge)
                    op.Add(_heap.ChunkHeaderOffset(a.Zone, a.Chunk), ChunkHeader.Pack(ChunkType.Used, a.ChunkFlags, a.SizeIdx), UlogOperation.Set);
                else
                    op.Add(a.BitmapWordOffset, a.Mask, UlogOperation.Or);
                break;
            case HeapActionKind.Free:
                if (a.IsHuge)
                    op.Add(_heap.ChunkHeaderOffset(a.Zone, a.Chunk), ChunkHeader.Pack(ChunkType.Free, a.ChunkFlags, a.SizeIdx), UlogOperation.Set);
                else
                    op.Add(a.BitmapWordOffset, ~a.Mask, UlogOperation.And);
                break;
            case HeapActionKind.Set:
                op.Add(a.Offset, a.Value, UlogOperation.Set);
                break;
            default:
                break;
        }
    }

    private void Published(Arena arena, in HeapAction a)
    {
        switch (a.Kind)
        {
            case HeapActionKind.Alloc:
                Interlocked.Add(ref arena.CurrAllocated, (long)a.RealSize);
                if (a.IsHuge)
                {
                    lock (_heap.GlobalLock)
                        _heap.UnreserveChunkBlock(a.Zone, a.Chunk);
                }
                else
                {
                    _heap.UnreserveBits(a.RunChunkOffset, a.BitmapWord, a.Mask);
                    Interlocked.Add(ref arena.RunAllocated, (long)a.RealSize);
                }
                break;
            case HeapActionKind.Free:
                Interlocked.Add(ref arena.CurrAllocated, -(long)a.RealSize);
                if (a.IsHuge)
                {
                    UnmarkHugeFree(a.Zone, a.Chunk, release: true, a.SizeIdx);
                }
                else
                {
                    Interlocked.Add(ref arena.RunAllocated, -(long)a.RealSize);
                    _heap.RunGainedSpace(a.RunChunkOffset);
                }
                break;
            default:
                break;
        }
    }
}
