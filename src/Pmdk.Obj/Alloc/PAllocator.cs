// The fail-safe allocator: reserve, initialize, then publish through the lane's redo log (PMDK: libpmemobj/palloc.c palloc_operation).
using System.Runtime.CompilerServices;
using Pmdk.Obj.Heap;
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Alloc;

/// <summary>
/// Allocation, free and reallocation as one redo operation each: the reserved block's header and contents are
/// written and drained first; the bitmap OR / chunk-header SET, the frees and the destination OID then commit
/// together (spec §5.4, §7.4). As in PMDK, only the reservation runs under a lock (the calling thread's arena
/// lock for run blocks, the heap's global lock for chunks); initialization and the redo log run outside it.
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

    /// <summary>
    /// A pool-level lock for multi-step work above the allocator (root object, object walks, close). Allocation
    /// and free do not take it.
    /// </summary>
    public Lock SyncRoot => _lock;

    /// <summary>Bytes allocated since open minus bytes freed (statistic <c>heap.curr_allocated</c>).</summary>
    public long CurrAllocated => _heap.CurrAllocatedSum();

    /// <summary>The lanes whose logs the allocator uses.</summary>
    public LaneSet Lanes => _lanes;

    /// <summary>Extra SETs committed with an operation (root offset and size).</summary>
    internal struct ExtraSets
    {
        public ulong Field1, Value1, Field2, Value2;
        public bool NewOffsetInValue2;
    }

    /// <summary>A block reserved in DRAM: hidden from other reservations until published or cancelled.</summary>
    private struct Reservation
    {
        public bool IsHuge;
        public int Zone;
        public uint Chunk;
        public uint Count;
        public RunInfo? Run;
        public uint Bit;
        public ulong Mask;
        public ulong RealSize;
        public ulong UserOffset;
        public ulong UsableSize;
    }

    /// <summary>
    /// One atomic heap operation. <paramref name="freeOff"/> (0 = none) is freed and a new block of
    /// <paramref name="size"/> bytes (0 = none) is allocated, initialized by <paramref name="init"/> and published
    /// into the pool-resident OID at <paramref name="destField"/> (0 = none) together with <paramref name="extra"/>.
    /// </summary>
    /// <returns>The new object's user offset (0 when nothing was allocated).</returns>
    public ulong Operate<TInit>(ulong freeOff, ulong size, ulong typeNum, ushort objFlags, ref TInit init,
        ulong destField, in ExtraSets extra, AllocationClass? forcedClass = null, Arena? arena = null)
        where TInit : struct, IBlockInitializer
    {
        _heap.EnsureBooted();
        int lane = _lanes.Acquire();
        try
        {
            return OperateCore(_lanes.External(lane), freeOff, size, typeNum, objFlags, ref init, destField, in extra, forcedClass, null, arena);
        }
        finally
        {
            _lanes.Release(lane);
        }
    }

    private ulong OperateCore<TInit>(Operation op, ulong freeOff, ulong size, ulong typeNum, ushort objFlags, ref TInit init,
        ulong destField, in ExtraSets extra, AllocationClass? forcedClass, IUlogExtender? extender, Arena? arena = null)
        where TInit : struct, IBlockInitializer
    {
        MemoryBlock old = default;
        if (freeOff != 0)
            old = _heap.Resolve(freeOff);

        Reservation res = default;
        if (size != 0)
        {
            ReserveBlock(forcedClass ?? _heap.Classes.Select(size), size, objFlags, typeNum, out res, arena);
            try
            {
                init.Initialize(_pool, res.UserOffset, res.UsableSize);
            }
            catch
            {
                CancelReservation(in res);
                throw;
            }
        }
        if (freeOff != 0 && old.IsHuge)
            MarkHugeFree(old.Zone, old.Chunk);

        try
        {
            op.Start();
            if (size != 0)
            {
                if (res.IsHuge)
                    op.Add(_heap.ChunkHeaderOffset(res.Zone, res.Chunk), ChunkHeader.Pack(ChunkType.Used, ChunkFlags.CompactHeader, res.Count), UlogOperation.Set);
                else
                    op.Add(res.Run!.BitmapOffset + res.Bit / 64 * 8, res.Mask, UlogOperation.Or);
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
                op.Add(destField, size == 0 ? 0 : UuidLo, UlogOperation.Set);
                op.Add(destField + 8, res.UserOffset, UlogOperation.Set);
            }
            if (extra.Field1 != 0)
                op.Add(extra.Field1, extra.Value1, UlogOperation.Set);
            if (extra.Field2 != 0)
                op.Add(extra.Field2, extra.NewOffsetInValue2 ? res.UserOffset : extra.Value2, UlogOperation.Set);

            // Headers and contents of the new block are durable before the commit point.
            _pool.Drain();
            op.Process(extender);
        }
        catch
        {
            if (size != 0)
                CancelReservation(in res);
            if (freeOff != 0 && old.IsHuge)
                UnmarkHugeFree(old.Zone, old.Chunk, release: false);
            throw;
        }

        Arena stats = _heap.CurrentArena();
        if (size != 0)
        {
            Interlocked.Add(ref stats.CurrAllocated, (long)res.RealSize);
            if (res.IsHuge)
            {
                lock (_heap.GlobalLock)
                    _heap.UnreserveChunkBlock(res.Zone, res.Chunk);
            }
            else
            {
                Interlocked.And(ref res.Run!.Reserved(res.Bit / 64), ~res.Mask);
                Interlocked.Add(ref stats.RunAllocated, (long)res.RealSize);
            }
        }
        if (freeOff != 0)
            Freed(stats, in old);
        return res.UserOffset;
    }

    /// <summary>
    /// The class with id <paramref name="classId"/> for a request of <paramref name="size"/> bytes, with PMDK's
    /// checks: the class must exist and one object of it must hold the request. C: <c>palloc_reservation_create</c>
    /// (<c>alloc_class_by_id</c>, <c>alloc_class_calc_size_idx</c>).
    /// </summary>
    public AllocationClass ClassForId(int classId, ulong size)
    {
        AllocationClass? c = _heap.Classes[classId];
        if (c is null)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"no allocation class with id {classId} (register one with ctl heap.alloc_class.{classId}.desc or heap.alloc_class.new.desc)", _pool.Path);
        if (c.Kind == AllocationClassKind.Run)
        {
            ulong units = c.UnitsFor(size);
            if ((c.Header == HeaderType.None && units != 1) || units > 64 || units > c.Geometry.NBits)
                throw new PmemException(PmemErrorCode.InvalidArgument,
                    $"allocation class {classId} (unit {c.UnitSize} bytes, header {c.Header}) is not suitable for an allocation of {size} bytes", _pool.Path);
        }
        return c;
    }

    /// <summary>The arena with 1-based id <paramref name="arenaId"/>.</summary>
    public Arena ArenaForId(int arenaId)
    {
        IReadOnlyList<Arena> all = _heap.Arenas;
        if (arenaId < 1 || arenaId > all.Count)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"no arena with id {arenaId} (1..{all.Count})", _pool.Path);
        return all[arenaId - 1];
    }

    /// <summary>DRAM bookkeeping after a block's free was committed.</summary>
    private void Freed(Arena arena, in MemoryBlock old)
    {
        if (old.IsHuge)
        {
            UnmarkHugeFree(old.Zone, old.Chunk, release: true, old.SizeIdx);
            Interlocked.Add(ref arena.CurrAllocated, -(long)(old.SizeIdx * HeapLayout.ChunkSize));
        }
        else
        {
            ulong freed = old.Units * old.Unit;
            Interlocked.Add(ref arena.CurrAllocated, -(long)freed);
            Interlocked.Add(ref arena.RunAllocated, -(long)freed);
            _heap.RunGainedSpace(old.RunChunkOffset);
        }
    }

    /// <summary>
    /// Reserves a block of class <paramref name="cls"/> and writes its header (flushed, not drained). Run blocks
    /// come from the calling thread's arena (or <paramref name="arena"/>) under its lock; chunks from the global
    /// part under the global lock.
    /// </summary>
    private void ReserveBlock(AllocationClass cls, ulong size, ushort objFlags, ulong typeNum, out Reservation res, Arena? arena = null)
    {
        res = default;
        if (cls.Kind == AllocationClassKind.Huge)
        {
            ulong count = (size + CompactAllocationHeader.Size + HeapLayout.ChunkSize - 1) / HeapLayout.ChunkSize;
            if (count > HeapLayout.MaxChunk)
                throw new PoolFullException($"no free space for an allocation of {size} bytes ({count} chunks)", _pool.Path);
            int zone;
            uint chunk;
            lock (_heap.GlobalLock)
            {
                if (!_heap.TryReserveChunks((uint)count, out zone, out chunk))
                    throw new PoolFullException($"no free space for an allocation of {size} bytes ({count} chunks)", _pool.Path);
                _heap.ReserveChunkBlock(zone, chunk);
                _heap.StoreChunkHeader(zone, chunk, ChunkHeader.Pack(ChunkType.Free, ChunkFlags.CompactHeader, (uint)count));
            }
            ulong chunkOff = _heap.ChunkOffset(zone, chunk);
            res.IsHuge = true;
            res.Zone = zone;
            res.Chunk = chunk;
            res.Count = (uint)count;
            res.RealSize = count * HeapLayout.ChunkSize;
            WriteHeader(chunkOff, HeaderType.Compact, res.RealSize, objFlags, typeNum);
            res.UserOffset = chunkOff + CompactAllocationHeader.Size;
            res.UsableSize = res.RealSize - CompactAllocationHeader.Size;
            return;
        }
        ulong units = cls.UnitsFor(size);
        if (units > 64)
            throw new PoolFullException($"no free space for an allocation of {size} bytes (class {cls.Id})", _pool.Path);
        arena ??= _heap.CurrentArena();
        RunInfo run;
        uint bit;
        ulong mask;
        lock (arena.Lock)
        {
            if (!_heap.TryReserveRunBlock(arena, cls, (uint)units, out run, out bit, out mask))
                throw new PoolFullException($"no free space for an allocation of {size} bytes (class {cls.Id})", _pool.Path);
        }
        res.Run = run;
        res.Bit = bit;
        res.Mask = mask;
        res.RealSize = units * cls.UnitSize;
        ulong headerOff = run.DataStart + bit * cls.UnitSize;
        WriteHeader(headerOff, cls.Header, res.RealSize, objFlags, typeNum);
        res.UserOffset = headerOff + (ulong)cls.HeaderSize;
        res.UsableSize = res.RealSize - (ulong)cls.HeaderSize;
    }

    private void CancelReservation(in Reservation res)
    {
        if (res.IsHuge)
        {
            lock (_heap.GlobalLock)
            {
                _heap.UnreserveChunkBlock(res.Zone, res.Chunk);
                _heap.ReleaseChunks(res.Zone, res.Chunk, res.Count);
            }
        }
        else if (res.Run is not null)
        {
            Interlocked.And(ref res.Run.Reserved(res.Bit / 64), ~res.Mask);
            _heap.RunGainedSpace(res.Run.ChunkOffset);
        }
    }

    /// <summary>A chunk block about to be freed: the zone scan must not take it for free before it is released.</summary>
    private void MarkHugeFree(int zone, uint chunk)
    {
        lock (_heap.GlobalLock)
            _heap.ReserveChunkBlock(zone, chunk);
    }

    private void UnmarkHugeFree(int zone, uint chunk, bool release, uint count = 0)
    {
        lock (_heap.GlobalLock)
        {
            _heap.UnreserveChunkBlock(zone, chunk);
            if (release)
                _heap.ReleaseChunks(zone, chunk, count);
        }
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
        _heap.EnsureBooted();
        Arena arena = _heap.CurrentArena();
        for (int i = extensions.Count - 1; i >= 0; i--)
        {
            (ulong obj, ulong link) = extensions[i];
            if (!_heap.TryResolve(obj, out MemoryBlock m, out _) || !_heap.IsAllocated(in m))
            {
                _pool.StoreWord(link, 0);
                continue;
            }
            if (m.IsHuge)
                MarkHugeFree(m.Zone, m.Chunk);
            Operation op = _lanes.Internal(lane);
            op.Start();
            if (m.IsHuge)
                op.Add(_heap.ChunkHeaderOffset(m.Zone, m.Chunk), ChunkHeader.Pack(ChunkType.Free, m.ChunkFlags, m.SizeIdx), UlogOperation.Set);
            else
                op.Add(m.BitmapWordOffset, ~m.Mask, UlogOperation.And);
            op.Add(link, 0, UlogOperation.Set);
            op.Process();
            if (m.IsHuge)
            {
                UnmarkHugeFree(m.Zone, m.Chunk, release: true, m.SizeIdx);
            }
            else
            {
                _heap.RunGainedSpace(m.RunChunkOffset);
            }
            if (countStatistics)
            {
                ulong real = m.IsHuge ? m.SizeIdx * HeapLayout.ChunkSize : m.Units * m.Unit;
                Interlocked.Add(ref arena.CurrAllocated, -(long)real);
                if (!m.IsHuge)
                    Interlocked.Add(ref arena.RunAllocated, -(long)real);
            }
        }
    }
}
