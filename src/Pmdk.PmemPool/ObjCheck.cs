// pmempool check steps for obj pools: descriptor, lanes and their logs, then the heap (PMDK: libpmemobj/obj.c obj_check_basic, ulog.c, heap.c heap_check; deeper than both).
using System.Buffers.Binary;
using System.Globalization;
using Pmdk.Obj;
using Pmdk.Obj.Heap;
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;
using Pmdk.Pool;

namespace Pmdk.PmemPool;

/// <summary>
/// The obj steps of <see cref="PoolCheck.Run"/>. Everything <c>pmemobj_check</c> verifies (descriptor, heap
/// header, zones, chunk walk, recovery of redo logs) and more: ulog headers and entries, run headers and bitmaps,
/// every allocated block's header, the root object and ulog extensions. Read-only; recovery is simulated.
/// </summary>
internal sealed partial class ObjCheck
{
    /// <summary>Most problems listed before the rest are only counted.</summary>
    private const int MaxListed = 200;

    private readonly ObjReader _pool;
    private readonly List<CheckMessage> _msgs;
    private readonly string? _layout;
    private int _problems;

    /// <summary>User offsets of objects something refers to (root, ulog extensions) → who refers to them.</summary>
    private readonly Dictionary<ulong, string> _wanted = [];

    /// <summary>Of <see cref="_wanted"/>, those found allocated → (usable size, internal flag).</summary>
    private readonly Dictionary<ulong, (ulong Usable, bool Internal)> _found = [];

    private ObjCheck(ObjReader pool, List<CheckMessage> msgs, string? layout)
    {
        _pool = pool;
        _msgs = msgs;
        _layout = layout;
    }

    /// <summary>Runs the obj steps. Returns <see cref="CheckStatus.Consistent"/> or <see cref="CheckStatus.NotConsistent"/>.</summary>
    public static CheckStatus Run(PoolFiles files, string? layout, List<CheckMessage> msgs)
    {
        var check = new ObjCheck(new ObjReader(files, files.ReplicaSize & ~4095UL), msgs, layout);
        check.Run();
        if (check._problems > MaxListed)
            msgs.Add(new CheckMessage(true, $"{check._problems - MaxListed} more problems not listed"));
        return check._problems == 0 ? CheckStatus.Consistent : CheckStatus.NotConsistent;
    }

    private void Run()
    {
        _msgs.Add(Info("checking pmemobj header"));
        if (!CheckDescriptor(out PoolDescriptor d, out PoolDescriptorRuntime rt))
            return;
        _msgs.Add(Info("pmemobj header correct"));

        _msgs.Add(Info("checking lanes"));
        int before = _problems;
        ulong lanes = d.LaneCount;
        for (ulong i = 0; i < lanes; i++)
            CheckLane(i, d.LanesOffset + i * LaneLayout.Size);
        if (_problems == before)
            _msgs.Add(Info("lanes correct"));

        if (rt.RootOffset != 0)
            Want(rt.RootOffset, "pmemobj.root_offset");
        _msgs.Add(Info("checking heap"));
        before = _problems;
        CheckHeap(d.HeapOffset, _pool.Size - d.HeapOffset);
        if (_problems == before)
            _msgs.Add(Info("heap correct"));

        CheckReferences(rt);
    }

    private bool CheckDescriptor(out PoolDescriptor d, out PoolDescriptorRuntime rt)
    {
        d = _pool.Read<PoolDescriptor>(PoolDescriptor.PoolOffset);
        rt = _pool.Read<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset);
        if (_pool.Size < ObjPool.MinPoolSize)
        {
            Problem($"pool size {_pool.Size} is smaller than the minimum obj pool size {ObjPool.MinPoolSize}");
            return false;
        }
        ulong sum = d.ComputeChecksum();
        if (sum != d.Checksum)
        {
            Problem($"invalid pmemobj.checksum: 0x{d.Checksum:x16} (should be 0x{sum:x16})");
            return false;
        }
        bool ok = true;
        string name = PoolInfo.ObjLayoutName(d);
        if (_layout is not null && name != _layout)
        {
            Problem($"wrong pmemobj.layout: \"{name}\" (expected \"{_layout}\")");
            ok = false;
        }
        if (d.LanesOffset != PoolDescriptor.PoolOffset + 0x1000)
        {
            Problem($"invalid pmemobj.lanes_offset: 0x{d.LanesOffset:x} (should be 0x2000)");
            return false;
        }
        if (d.LaneCount == 0 || d.LaneCount > LaneLayout.DefaultLaneCount)
        {
            Problem($"invalid pmemobj.nlanes: {d.LaneCount} (1 to {LaneLayout.DefaultLaneCount})");
            return false;
        }
        ulong heapOff = (d.LanesOffset + d.LaneCount * LaneLayout.Size + 4095) & ~4095UL;
        if (d.HeapOffset != heapOff)
        {
            Problem($"invalid pmemobj.heap_offset: 0x{d.HeapOffset:x} (should be 0x{heapOff:x})");
            return false;
        }
        if (d.HeapOffset > _pool.Size || _pool.Size - d.HeapOffset < HeapLayout.MinHeapSize)
        {
            Problem($"heap of {_pool.Size - Math.Min(_pool.Size, d.HeapOffset)} bytes is smaller than the minimum {HeapLayout.MinHeapSize}");
            return false;
        }
        if (rt.HeapSize > _pool.Size - d.HeapOffset)
        {
            Problem($"invalid pmemobj.heap_size: {rt.HeapSize} (the pool holds {_pool.Size - d.HeapOffset} after the heap offset)");
            ok = false;
        }
        return ok;
    }

    /// <summary>The three ulogs of a lane: header fields, then recovery (simulated) of committed redo and valid undo.</summary>
    private void CheckLane(ulong lane, ulong off)
    {
        string prefix = string.Create(CultureInfo.InvariantCulture, $"lane {lane}: ");
        CheckRedo(prefix + "internal redo log", off + LaneLayout.InternalOffset, LaneLayout.InternalCapacity, extensible: false);
        CheckRedo(prefix + "external redo log", off + LaneLayout.ExternalOffset, LaneLayout.ExternalCapacity, extensible: true);
        CheckUndo(prefix + "undo log", off + LaneLayout.UndoOffset);
    }

    private void CheckRedo(string what, ulong ulog, ulong baseCapacity, bool extensible)
    {
        UlogHeader h = _pool.Read<UlogHeader>(ulog);
        if (h.Capacity > baseCapacity || h.Capacity % 64 != 0)
            Problem($"{what}: invalid ulog.capacity {h.Capacity} (at most {baseCapacity}, a multiple of 64)");
        if ((h.Flags & ~1UL) != 0)
            Problem($"{what}: invalid ulog.flags 0x{h.Flags:x}");
        if (h.Next != 0)
        {
            if (!extensible)
                Problem($"{what}: ulog.next is 0x{h.Next:x} but this log is never extended");
            else
                Want(h.Next, what + " ulog.next");
        }
        ulong capacity = Math.Min(h.Capacity, baseCapacity);
        ulong data = ulog + UlogHeader.Size;
        byte[] bytes = _pool.Read(data, (int)capacity);
        ulong n = 0;
        while (n + 8 <= capacity)
        {
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)n));
            if (word == 0)
                break;
            ulong size = UlogEntry.IsBuffer(word) ? EntrySize(data + n, word) : UlogValueEntry.Size;
            if (size == 0 || n + size > capacity)
                break;
            n += size;
        }
        if (n == 0)
            return;
        byte[] covered = _pool.Read(ulog, (int)(UlogHeader.Size + n));
        if (Fletcher64.Compute(covered, 0) != h.Checksum)
            return; // a torn store: recovery ignores it
        // Committed: recovery applies the whole chain. Every target must lie in the pool.
        ulong current = ulog;
        int hops = 0;
        while (true)
        {
            ulong d0 = current + UlogHeader.Size;
            for (ulong pos = 0; pos + 8 <= capacity;)
            {
                ulong word = _pool.Word(d0 + pos);
                if (word == 0)
                    return;
                ulong target = word & UlogEntry.OffsetMask;
                if (UlogEntry.IsBuffer(word))
                {
                    ulong size = EntrySize(d0 + pos, word);
                    if (size == 0 || pos + size > capacity)
                        return;
                    ulong len = _pool.Word(d0 + pos + 16);
                    if (!_pool.InRange(target, len))
                    {
                        Problem($"{what}: committed entry at 0x{d0 + pos:x} copies {len} bytes to 0x{target:x}, outside the pool");
                        return;
                    }
                    _pool.Overlay(target, BufferData(d0 + pos, word, len));
                    pos += size;
                }
                else
                {
                    if (pos + UlogValueEntry.Size > capacity)
                        return;
                    if (!_pool.InRange(target, 8) || target % 8 != 0)
                    {
                        Problem($"{what}: committed entry at 0x{d0 + pos:x} targets 0x{target:x}, outside the pool or unaligned");
                        return;
                    }
                    _pool.ApplyValue(word, _pool.Word(d0 + pos + 8));
                    pos += UlogValueEntry.Size;
                }
            }
            ulong next = _pool.Read<UlogHeader>(current).Next;
            if (next == 0 || !extensible || ++hops > 1024)
                return;
            if (!TryEnterExtension(what, next, out current, out capacity))
                return;
        }
    }

    private void CheckUndo(string what, ulong ulog)
    {
        UlogHeader h = _pool.Read<UlogHeader>(ulog);
        if (h.Capacity != LaneLayout.UndoCapacity)
            Problem($"{what}: invalid ulog.capacity {h.Capacity} (should be {LaneLayout.UndoCapacity})");
        if ((h.Flags & ~1UL) != 0)
            Problem($"{what}: invalid ulog.flags 0x{h.Flags:x}");
        if (h.Checksum != 0)
            Problem($"{what}: invalid ulog.checksum 0x{h.Checksum:x} (undo logs keep 0)");
        ulong current = ulog;
        ulong capacity = Math.Min(h.Capacity, LaneLayout.UndoCapacity);
        int hops = 0;
        bool walking = true;
        while (true)
        {
            ulong data = current + UlogHeader.Size;
            for (ulong pos = 0; walking && pos + UlogBufferEntryHeader.Size <= capacity;)
            {
                ulong word = _pool.Word(data + pos);
                if (word == 0 || !UlogEntry.IsBuffer(word))
                    break;
                ulong size = EntrySize(data + pos, word);
                if (size == 0 || pos + size > capacity || !BufferEntryValid(data + pos, size, h.GenNum))
                {
                    walking = false;
                    break;
                }
                ulong target = word & UlogEntry.OffsetMask;
                ulong len = _pool.Word(data + pos + 16);
                if (!_pool.InRange(target, len))
                {
                    Problem($"{what}: valid snapshot at 0x{data + pos:x} restores {len} bytes at 0x{target:x}, outside the pool");
                    return;
                }
                _pool.Overlay(target, BufferData(data + pos, word, len));
                pos += size;
            }
            ulong next = _pool.Read<UlogHeader>(current).Next;
            if (next == 0)
                return;
            Want(next, what + (current == ulog ? " ulog.next" : " extension ulog.next"));
            if (++hops > 1024)
            {
                Problem($"{what}: ulog.next chain longer than 1024 (a cycle?)");
                return;
            }
            if (!TryEnterExtension(what, next, out current, out capacity))
                return;
        }
    }

    /// <summary>
    /// Follows ulog.next to the (cache-line aligned) extension header; false, with a problem recorded when its
    /// capacity runs past the pool, when the walk must stop.
    /// </summary>
    private bool TryEnterExtension(string what, ulong next, out ulong current, out ulong capacity)
    {
        current = (next + 63) & ~63UL;
        capacity = 0;
        if (!_pool.InRange(current, UlogHeader.Size))
            return false;
        capacity = _pool.Read<UlogHeader>(current).Capacity;
        if (_pool.InRange(current + UlogHeader.Size, capacity))
            return true;
        Problem($"{what}: extension at 0x{current:x} has ulog.capacity {capacity} past the end of the pool");
        return false;
    }

    /// <summary>Bytes a buffer entry occupies (0 when it cannot be an entry).</summary>
    private ulong EntrySize(ulong entry, ulong word)
    {
        if (!UlogEntry.IsBuffer(word))
            return UlogValueEntry.Size;
        ulong size = _pool.Word(entry + 16);
        if (size > _pool.Size)
            return 0;
        return (UlogBufferEntryHeader.Size + size + 63) & ~63UL;
    }

    private bool BufferEntryValid(ulong entry, ulong padded, ulong gen)
    {
        if (padded > int.MaxValue - 8 || !_pool.InRange(entry, padded))
            return false;
        byte[] b = new byte[padded + 8];
        _pool.Read(entry, b.AsSpan(0, (int)padded));
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan((int)padded), gen);
        return Fletcher64.Compute(b, 8) == BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(8));
    }

    private byte[] BufferData(ulong entry, ulong word, ulong len)
    {
        if ((word & UlogEntry.OperationMask) == (ulong)UlogOperation.BufSet)
        {
            byte[] fill = new byte[len];
            fill.AsSpan().Fill(_pool.Read(entry + UlogBufferEntryHeader.Size, 1)[0]);
            return fill;
        }
        return _pool.Read(entry + UlogBufferEntryHeader.Size, (int)len);
    }

    private void Want(ulong userOffset, string who)
    {
        if (!_wanted.TryAdd(userOffset, who))
            Problem($"object 0x{userOffset:x} is referenced both as {_wanted[userOffset]} and as {who} (overlapping uses)");
    }

    /// <summary>Root and ulog extensions must be allocated, internal objects large enough for their use.</summary>
    private void CheckReferences(PoolDescriptorRuntime rt)
    {
        foreach ((ulong off, string who) in _wanted)
        {
            if (!_found.TryGetValue(off, out var obj))
            {
                Problem($"{who} 0x{off:x} does not point to an allocated object");
                continue;
            }
            if (!obj.Internal)
                Problem($"{who} 0x{off:x}: the object lacks the internal flag (0x8000) in allocation_header.flags");
            if (off == rt.RootOffset && rt.RootSize > obj.Usable)
                Problem($"pmemobj.root_size {rt.RootSize} exceeds the root object's usable size {obj.Usable}");
        }
    }

    private void Problem(string text)
    {
        _problems++;
        if (_problems <= MaxListed)
            _msgs.Add(new CheckMessage(true, text));
    }

    private static CheckMessage Info(string text) => new(false, text);
}
