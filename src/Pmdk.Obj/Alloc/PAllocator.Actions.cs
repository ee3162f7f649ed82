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
    /// C: <c>palloc_reserve</c>.
    /// </summary>
    public void Reserve<TInit>(ulong size, ulong typeNum, ushort objFlags, ref TInit init, out HeapAction act)
        where TInit : struct, IBlockInitializer
    {
        act = default;
        act.PoolUuidLo = UuidLo;
        lock (_lock)
        {
            _heap.EnsureBooted();
            AllocationClass cls = _heap.Classes.Select(size);
            if (cls.Kind == AllocationClassKind.Huge)
            {
                ulong count = (size + CompactAllocationHeader.Size + HeapLayout.ChunkSize - 1) / HeapLayout.ChunkSize;
                if (count > HeapLayout.MaxChunk || !_heap.TryReserveChunks((uint)count, out int zone, out uint chunk))
                    throw new PoolFullException($"no free space for an allocation of {size} bytes ({count} chunks)", _pool.Path);
                _heap.ReserveChunkBlock(zone, chunk);
                _heap.StoreChunkHeader(zone, chunk, ChunkHeader.Pack(ChunkType.Free, ChunkFlags.CompactHeader, (uint)count));
                ulong chunkOff = _heap.ChunkOffset(zone, chunk);
                ulong real = count * HeapLayout.ChunkSize;
                WriteHeader(chunkOff, HeaderType.Compact, real, objFlags, typeNum);
                act.Kind = HeapActionKind.Alloc;
                act.IsHuge = true;
                act.Zone = zone;
                act.Chunk = chunk;
                act.SizeIdx = (uint)count;
                act.ChunkFlags = ChunkFlags.CompactHeader;
                act.RealSize = real;
                act.Offset = chunkOff + CompactAllocationHeader.Size;
                act.UsableSize = real - CompactAllocationHeader.Size;
            }
            else
            {
                ulong units = cls.UnitsFor(size);
                if (units > 64 || !_heap.TryReserveRunBlock(cls, (uint)units, out RunInfo run, out uint bit))
                    throw new PoolFullException($"no free space for an allocation of {size} bytes (class {cls.Id})", _pool.Path);
                ulong mask = (units == 64 ? ulong.MaxValue : (1UL << (int)units) - 1) << (int)(bit % 64);
                ulong runChunk = run.BitmapOffset - ChunkRunHeader.Size;
                _heap.ReserveBits(runChunk, bit / 64, mask, run.Geometry.NValues);
                ulong real = units * cls.UnitSize;
                ulong headerOff = run.DataStart + bit * cls.UnitSize;
                WriteHeader(headerOff, cls.Header, real, objFlags, typeNum);
                act.Kind = HeapActionKind.Alloc;
                act.RunChunkOffset = runChunk;
                act.BitmapWord = bit / 64;
                act.BitmapWordOffset = run.BitmapOffset + bit / 64 * 8;
                act.Mask = mask;
                act.RealSize = real;
                act.Offset = headerOff + (ulong)cls.HeaderSize;
                act.UsableSize = real - (ulong)cls.HeaderSize;
            }
            try
            {
                init.Initialize(_pool, act.Offset, act.UsableSize);
            }
            catch
            {
                CancelLocked(ref act);
                throw;
            }
        }
    }

    /// <summary>Describes the free of an allocated object, to be done at publication. C: <c>palloc_defer_free</c>.</summary>
    public HeapAction DeferFree(ulong offset)
    {
        lock (_lock)
        {
            _heap.EnsureBooted();
            MemoryBlock m = _heap.Resolve(offset);
            var act = new HeapAction
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
            return act;
        }
    }

    /// <summary>
    /// Publishes actions atomically through <paramref name="op"/> (already started; it may hold other entries):
    /// their redo entries, a drain so that reserved contents are durable, the redo log (the commit point), then
    /// the DRAM state. C: <c>palloc_publish</c>.
    /// </summary>
    public void Publish(Operation op, ReadOnlySpan<HeapAction> actions, IUlogExtender extender)
    {
        lock (_lock)
        {
            _heap.EnsureBooted();
            foreach (ref readonly HeapAction a in actions)
                AddEntry(op, in a);
            _pool.Drain();
            op.Process(extender);
            foreach (ref readonly HeapAction a in actions)
                Published(in a);
        }
    }

    /// <summary>Publishes actions on a lane of its own. C: <c>pmemobj_publish</c>.</summary>
    public void Publish(ReadOnlySpan<HeapAction> actions)
    {
        lock (_lock)
        {
            _heap.EnsureBooted();
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
    }

    /// <summary>Returns reserved blocks to the heap; deferred frees and sets are simply dropped. C: <c>palloc_cancel</c>.</summary>
    public void Cancel(Span<HeapAction> actions)
    {
        lock (_lock)
        {
            foreach (ref HeapAction a in actions)
                CancelLocked(ref a);
        }
    }

    private void CancelLocked(ref HeapAction a)
    {
        if (a.Kind == HeapActionKind.Alloc)
        {
            if (a.IsHuge)
            {
                _heap.UnreserveChunkBlock(a.Zone, a.Chunk);
                _heap.ReleaseChunks(a.Zone, a.Chunk, a.SizeIdx);
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

    private void Published(in HeapAction a)
    {
        switch (a.Kind)
        {
            case HeapActionKind.Alloc:
                CurrAllocated += (long)a.RealSize;
                if (a.IsHuge)
                {
                    _heap.UnreserveChunkBlock(a.Zone, a.Chunk);
                }
                else
                {
                    _heap.UnreserveBits(a.RunChunkOffset, a.BitmapWord, a.Mask);
                    _heap.RunAllocated += a.RealSize;
                }
                break;
            case HeapActionKind.Free:
                CurrAllocated -= (long)a.RealSize;
                if (a.IsHuge)
                {
                    _heap.ReleaseChunks(a.Zone, a.Chunk, a.SizeIdx);
                }
                else
                {
                    _heap.RunAllocated -= Math.Min(_heap.RunAllocated, a.RealSize);
                    _heap.RunGainedSpace(a.RunChunkOffset);
                }
                break;
            default:
                break;
        }
    }
}
