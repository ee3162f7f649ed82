// The fail-safe allocator: reserve, initialize, then publish through the lane's redo log (PMDK: libpmemobj/palloc.c palloc_operation).
using System.Runtime.CompilerServices;
using Pmdk.Obj.Heap;
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Alloc;

/// <summary>
/// Allocation, free and reallocation as one redo operation each: the reserved block's header and contents are
/// written and drained first; the bitmap OR / chunk-header SET, the frees and the destination OID then commit
/// together (spec §5.4, §7.4). One lock guards the heap's DRAM state and the runs' bitmap words.
/// </summary>
internal sealed partial class PAllocator
{
    private readonly Heap.Heap _heap;
    private readonly ObjMemory _pool;
    private readonly LaneSet _lanes;
    private readonly Lock _lock = new();

    public PAllocator(Heap.Heap heap, LaneSet lanes, ulong uuidLo)
    {
        _heap = heap;
        _pool = heap.Pool;
        _lanes = lanes;
        UuidLo = uuidLo;
    }

    public ulong UuidLo { get; }

    public Heap.Heap Heap => _heap;

    public Lock SyncRoot => _lock;

    /// <summary>Bytes allocated since open minus bytes freed (statistic <c>heap.curr_allocated</c>).</summary>
    public long CurrAllocated { get; set; }

    /// <summary>The lanes whose logs the allocator uses.</summary>
    public LaneSet Lanes => _lanes;

    /// <summary>Extra SETs committed with an operation (root offset and size).</summary>
    internal struct ExtraSets
    {
        public ulong Field1, Value1, Field2, Value2;
        public bool NewOffsetInValue2;
    }

    /// <summary>
    /// One atomic heap operation. <paramref name="freeOff"/> (0 = none) is freed and a new block of
    /// <paramref name="size"/> bytes (0 = none) is allocated, initialized by <paramref name="init"/> and published
    /// into the pool-resident OID at <paramref name="destField"/> (0 = none) together with <paramref name="extra"/>.
    /// </summary>
    /// <returns>The new object's user offset (0 when nothing was allocated).</returns>
    public ulong Operate<TInit>(ulong freeOff, ulong size, ulong typeNum, ushort objFlags, ref TInit init,
        ulong destField, in ExtraSets extra, AllocationClass? forcedClass = null)
        where TInit : struct, IBlockInitializer
    {
        lock (_lock)
        {
            _heap.EnsureBooted();
            int lane = _lanes.Acquire();
            try
            {
                return OperateLocked(_lanes.External(lane), freeOff, size, typeNum, objFlags, ref init, destField, in extra, forcedClass);
            }
            finally
            {
                _lanes.Release(lane);
            }
        }
    }

    private ulong OperateLocked<TInit>(Operation op, ulong freeOff, ulong size, ulong typeNum, ushort objFlags, ref TInit init,
        ulong destField, in ExtraSets extra, AllocationClass? forcedClass)
        where TInit : struct, IBlockInitializer
    {
        op.Start();
        MemoryBlock old = default;
        if (freeOff != 0)
            old = _heap.Resolve(freeOff);

        ulong newOff = 0;
        ulong newReal = 0;
        bool newHuge = false;
        int hugeZone = 0;
        uint hugeChunk = 0, hugeCount = 0;
        if (size != 0)
        {
            AllocationClass cls = forcedClass ?? _heap.Classes.Select(size);
            if (cls.Kind == AllocationClassKind.Huge)
            {
                ulong count = (size + CompactAllocationHeader.Size + HeapLayout.ChunkSize - 1) / HeapLayout.ChunkSize;
                if (count > HeapLayout.MaxChunk || !_heap.TryReserveChunks((uint)count, out hugeZone, out hugeChunk))
                    throw new PoolFullException($"no free space for an allocation of {size} bytes ({count} chunks)", _pool.Path);
                newHuge = true;
                hugeCount = (uint)count;
                _heap.StoreChunkHeader(hugeZone, hugeChunk, ChunkHeader.Pack(ChunkType.Free, ChunkFlags.CompactHeader, hugeCount));
                ulong chunkOff = _heap.ChunkOffset(hugeZone, hugeChunk);
                newReal = count * HeapLayout.ChunkSize;
                WriteHeader(chunkOff, HeaderType.Compact, newReal, objFlags, typeNum);
                newOff = chunkOff + CompactAllocationHeader.Size;
                try
                {
                    init.Initialize(_pool, newOff, newReal - CompactAllocationHeader.Size);
                }
                catch
                {
                    _heap.ReleaseChunks(hugeZone, hugeChunk, hugeCount);
                    throw;
                }
                op.Add(_heap.ChunkHeaderOffset(hugeZone, hugeChunk), ChunkHeader.Pack(ChunkType.Used, ChunkFlags.CompactHeader, hugeCount), UlogOperation.Set);
            }
            else
            {
                ulong units = cls.UnitsFor(size);
                if (units > 64 || !_heap.TryReserveRunBlock(cls, (uint)units, out RunInfo run, out uint bit))
                    throw new PoolFullException($"no free space for an allocation of {size} bytes (class {cls.Id})", _pool.Path);
                newReal = units * cls.UnitSize;
                ulong headerOff = run.DataStart + bit * cls.UnitSize;
                WriteHeader(headerOff, cls.Header, newReal, objFlags, typeNum);
                newOff = headerOff + (ulong)cls.HeaderSize;
                init.Initialize(_pool, newOff, newReal - (ulong)cls.HeaderSize);
                ulong mask = (units == 64 ? ulong.MaxValue : (1UL << (int)units) - 1) << (int)(bit % 64);
                op.Add(run.BitmapOffset + bit / 64 * 8, mask, UlogOperation.Or);
            }
        }

        if (freeOff != 0)
        {
            if (old.IsHuge)
                op.Add(_heap.ChunkHeaderOffset(old.Zone, old.Chunk), ChunkHeader.Pack(ChunkType.Free, old.ChunkFlags, old.SizeIdx), UlogOperation.Set);
            else
                op.Add(old.BitmapWordOffset, ~old.Mask, UlogOperation.And);
        }
        if (destField != 0)
        {
            op.Add(destField, newOff == 0 ? 0 : UuidLo, UlogOperation.Set);
            op.Add(destField + 8, newOff, UlogOperation.Set);
        }
        if (extra.Field1 != 0)
            op.Add(extra.Field1, extra.Value1, UlogOperation.Set);
        if (extra.Field2 != 0)
            op.Add(extra.Field2, extra.NewOffsetInValue2 ? newOff : extra.Value2, UlogOperation.Set);

        // Headers and contents of the new block are durable before the commit point.
        _pool.Drain();
        op.Process();

        if (newOff != 0)
        {
            CurrAllocated += (long)newReal;
            if (!newHuge)
                _heap.RunAllocated += newReal;
        }
        if (freeOff != 0)
        {
            if (old.IsHuge)
            {
                _heap.ReleaseChunks(old.Zone, old.Chunk, old.SizeIdx);
                CurrAllocated -= (long)(old.SizeIdx * HeapLayout.ChunkSize);
            }
            else
            {
                ulong freed = old.Units * old.Unit;
                CurrAllocated -= (long)freed;
                _heap.RunAllocated -= Math.Min(_heap.RunAllocated, freed);
                _heap.RunGainedSpace(old.RunChunkOffset);
            }
        }
        return newOff;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteHeader(ulong headerOff, HeaderType type, ulong realSize, ushort flags, ulong typeNum)
    {
        switch (type)
        {
            case HeaderType.Compact:
                _pool.Word(headerOff) = realSize | ((ulong)flags << 48);
                _pool.Word(headerOff + 8) = typeNum;
                _pool.Flush(headerOff, CompactAllocationHeader.Size);
                break;
            case HeaderType.Legacy:
                _pool.Word(headerOff + 8) = realSize;
                _pool.Word(headerOff + 48) = (ulong)flags << 48;
                _pool.Word(headerOff + 56) = typeNum;
                _pool.Flush(headerOff, LegacyAllocationHeader.Size);
                break;
            default:
                break;
        }
    }

    /// <summary>Frees the extensions of an undo log found at open, each with its link field, through the internal redo log.</summary>
    public void FreeExtensions(List<(ulong Object, ulong LinkField)> extensions, int lane = 0, bool countStatistics = false)
    {
        lock (_lock)
        {
            _heap.EnsureBooted();
            for (int i = extensions.Count - 1; i >= 0; i--)
            {
                (ulong obj, ulong link) = extensions[i];
                if (!_heap.TryResolve(obj, out MemoryBlock m, out _) || !_heap.IsAllocated(in m))
                {
                    _pool.StoreWord(link, 0);
                    continue;
                }
                Operation op = _lanes.Internal(lane);
                op.Start();
                if (m.IsHuge)
                    op.Add(_heap.ChunkHeaderOffset(m.Zone, m.Chunk), ChunkHeader.Pack(ChunkType.Free, m.ChunkFlags, m.SizeIdx), UlogOperation.Set);
                else
                    op.Add(m.BitmapWordOffset, ~m.Mask, UlogOperation.And);
                op.Add(link, 0, UlogOperation.Set);
                op.Process();
                if (countStatistics)
                {
                    ulong real = m.IsHuge ? m.SizeIdx * HeapLayout.ChunkSize : m.Units * m.Unit;
                    CurrAllocated -= (long)real;
                    if (!m.IsHuge)
                        _heap.RunAllocated -= Math.Min(_heap.RunAllocated, real);
                }
                if (m.IsHuge)
                    _heap.ReleaseChunks(m.Zone, m.Chunk, m.SizeIdx);
                else
                    _heap.RunGainedSpace(m.RunChunkOffset);
            }
        }
    }
}
