// Mapping an object offset back to its block, and the object walk of pmemobj_first/next (PMDK: libpmemobj/memblock.c memblock_from_offset, heap.c heap_foreach_object).
using System.Numerics;
using Pmdk.Obj.Alloc;

namespace Pmdk.Obj.Heap;

/// <summary>A resolved object: where its header is and how it is recorded as allocated.</summary>
internal struct MemoryBlock
{
    public ulong UserOffset;
    public ulong HeaderOffset;
    public HeaderType Header;
    public bool IsHuge;
    public int Zone;
    public uint Chunk;
    public uint SizeIdx;
    public ChunkFlags ChunkFlags;
    public ulong RunChunkOffset;
    public ulong BitmapWordOffset;
    public ulong Mask;
    public ulong Unit;
    public uint BlockIndex;
    public uint Units;
    public ulong RealSize;
    public ushort Flags;
    public ulong TypeNum;

    public readonly ulong UsableSize => RealSize - (ulong)AllocationHeader.SizeOf(Header);
}

internal sealed partial class Heap
{
    /// <summary>
    /// Resolves the user-data offset of an allocated object (spec §5.6). Any inconsistency (offset outside the
    /// heap, not at a block boundary, block not allocated) throws with the offending value; nothing is
    /// dereferenced before it is range-checked.
    /// </summary>
    public MemoryBlock Resolve(ulong off, bool requireAllocated = true)
    {
        if (!TryResolve(off, out MemoryBlock m, out string? why) || (requireAllocated && !IsAllocated(in m)))
            throw new PmemException(PmemErrorCode.InvalidArgument, $"offset 0x{off:x} is not an allocated object: {why ?? "its block is free"}", _pool.Path);
        return m;
    }

    public bool IsAllocated(in MemoryBlock m) =>
        m.IsHuge ? ChunkHeader.TypeOf(ChunkHeaderWord(m.Zone, m.Chunk)) == ChunkType.Used
        : (_pool.Word(m.BitmapWordOffset) & m.Mask) == m.Mask;

    public bool TryResolve(ulong off, out MemoryBlock m, out string? why)
    {
        m = default;
        ulong zonesStart = HeapOffset + HeapLayout.HeaderSize;
        if (off < zonesStart + HeapLayout.ZoneMetaSize || off >= HeapEnd)
        {
            why = "outside the heap";
            return false;
        }
        ulong rel = off - zonesStart;
        int zone = (int)(rel / HeapLayout.ZoneMaxSize);
        rel -= (ulong)zone * HeapLayout.ZoneMaxSize;
        if (zone >= ZoneCount || rel < HeapLayout.ZoneMetaSize || Zone(zone).Magic != HeapLayout.ZoneMagic)
        {
            why = "not inside an initialized zone";
            return false;
        }
        uint zoneSize = Zone(zone).SizeIdx;
        uint chunk = (uint)((rel - HeapLayout.ZoneMetaSize) / HeapLayout.ChunkSize);
        if (chunk >= zoneSize)
        {
            why = "beyond the zone's chunks";
            return false;
        }
        ulong w = ChunkHeaderWord(zone, chunk);
        if (ChunkHeader.TypeOf(w) == ChunkType.RunData)
        {
            uint back = ChunkHeader.SizeIdxOf(w);
            if (back == 0 || back > chunk)
            {
                why = "corrupted run data header";
                return false;
            }
            chunk -= back;
            w = ChunkHeaderWord(zone, chunk);
        }
        ChunkType type = ChunkHeader.TypeOf(w);
        ChunkFlags flags = ChunkHeader.FlagsOf(w);
        uint sizeIdx = ChunkHeader.SizeIdxOf(w);
        if (sizeIdx == 0 || sizeIdx > zoneSize - chunk)
        {
            why = "corrupted chunk header";
            return false;
        }
        HeaderType h = AllocationHeader.FromChunkFlags(flags);
        int hs = AllocationHeader.SizeOf(h);
        ulong chunkOff = ChunkOffset(zone, chunk);
        m.UserOffset = off;
        m.HeaderOffset = off - (ulong)hs;
        m.Header = h;
        m.Zone = zone;
        m.Chunk = chunk;
        m.SizeIdx = sizeIdx;
        m.ChunkFlags = flags;
        if (type is ChunkType.Used or ChunkType.Free)
        {
            if (off != chunkOff + (ulong)hs)
            {
                why = "not the start of a chunk block";
                return false;
            }
            m.IsHuge = true;
            m.Unit = HeapLayout.ChunkSize;
            m.Units = sizeIdx;
            ReadHeader(ref m, (ulong)sizeIdx * HeapLayout.ChunkSize);
            why = null;
            return true;
        }
        if (type != ChunkType.Run)
        {
            why = $"chunk type {(ushort)type} holds no objects";
            return false;
        }
        ulong unit = _pool.Word(chunkOff);
        ulong alignment = (flags & ChunkFlags.Aligned) != 0 ? _pool.Word(chunkOff + 8) : 0;
        if (!RunGeometry.TryCompute(sizeIdx, flags, unit, alignment, out RunGeometry g))
        {
            why = $"run header field 'block_size' {unit} is invalid";
            return false;
        }
        ulong dataStart = g.DataStart(chunkOff, alignment, hs);
        if (m.HeaderOffset < dataStart || (m.HeaderOffset - dataStart) % unit != 0)
        {
            why = "not at a block boundary of its run";
            return false;
        }
        ulong idx = (m.HeaderOffset - dataStart) / unit;
        if (idx >= g.NBits)
        {
            why = "beyond the run's blocks";
            return false;
        }
        m.Unit = unit;
        m.RunChunkOffset = chunkOff;
        m.BlockIndex = (uint)idx;
        ReadHeader(ref m, 64 * unit);
        ulong units = h == HeaderType.None ? 1 : (m.RealSize + unit - 1) / unit;
        if (units == 0 || units > 64 || idx % 64 + units > 64 || idx + units > g.NBits)
        {
            why = $"object header size {m.RealSize} does not fit its run";
            return false;
        }
        m.Units = (uint)units;
        m.BitmapWordOffset = chunkOff + ChunkRunHeader.Size + idx / 64 * 8;
        m.Mask = (units == 64 ? ulong.MaxValue : (1UL << (int)units) - 1) << (int)(idx % 64);
        why = null;
        return true;
    }

    private void ReadHeader(ref MemoryBlock m, ulong maxReal)
    {
        switch (m.Header)
        {
            case HeaderType.Compact:
                ulong w0 = _pool.Word(m.HeaderOffset);
                m.RealSize = w0 & AllocationHeader.SizeMask;
                m.Flags = (ushort)(w0 >> 48);
                m.TypeNum = _pool.Word(m.HeaderOffset + 8);
                break;
            case HeaderType.Legacy:
                m.RealSize = _pool.Word(m.HeaderOffset + 8);
                m.Flags = (ushort)(_pool.Word(m.HeaderOffset + 48) >> 48);
                m.TypeNum = _pool.Word(m.HeaderOffset + 56);
                break;
            default:
                m.RealSize = m.Unit;
                m.Flags = 0;
                m.TypeNum = 0;
                break;
        }
        if (m.RealSize > maxReal || m.RealSize < (ulong)AllocationHeader.SizeOf(m.Header))
            m.RealSize = Math.Min(Math.Max(m.RealSize, (ulong)AllocationHeader.SizeOf(m.Header)), maxReal);
    }

    /// <summary>
    /// The first non-internal allocated object whose user offset is greater than <paramref name="after"/>
    /// (0 = from the start), in PMDK's walk order (spec §6.4); 0 when there is none.
    /// </summary>
    public ulong NextObject(ulong after, out MemoryBlock found)
    {
        int startZone = 0;
        uint startChunk = 0;
        uint startBit = 0;
        found = default;
        if (after != 0)
        {
            MemoryBlock cur = Resolve(after, requireAllocated: false);
            startZone = cur.Zone;
            if (cur.IsHuge)
            {
                startChunk = cur.Chunk + cur.SizeIdx;
            }
            else
            {
                startChunk = cur.Chunk;
                startBit = cur.BlockIndex + cur.Units;
            }
        }
        for (int z = startZone; z < ZoneCount; z++)
        {
            ref ZoneHeader zh = ref Zone(z);
            if (zh.Magic != HeapLayout.ZoneMagic)
            {
                startChunk = 0;
                startBit = 0;
                continue;
            }
            uint size = zh.SizeIdx;
            uint c = 0;
            while (c < size)
            {
                ulong w = ChunkHeaderWord(z, c);
                uint s = ChunkHeader.SizeIdxOf(w);
                if (s == 0 || s > size - c)
                    throw new PoolCorruptedException($"heap: zone {z} chunk {c}: invalid chunk header field 'size_idx' {s}", _pool.Path);
                if (c + s > startChunk || (c == startChunk && s > 0))
                {
                    ChunkType t = ChunkHeader.TypeOf(w);
                    if (t == ChunkType.Used && c >= startChunk)
                    {
                        ulong off = ChunkOffset(z, c) + (ulong)AllocationHeader.SizeOf(AllocationHeader.FromChunkFlags(ChunkHeader.FlagsOf(w)));
                        if (TryResolve(off, out found, out _) && (found.Flags & AllocationHeader.FlagInternal) == 0)
                            return off;
                    }
                    else if (t == ChunkType.Run && c >= startChunk)
                    {
                        ulong r = NextInRun(z, c, s, w, c == startChunk ? startBit : 0, out found);
                        if (r != 0)
                            return r;
                    }
                }
                c += s;
            }
            startChunk = 0;
            startBit = 0;
        }
        return 0;
    }

    private ulong NextInRun(int z, uint c, uint s, ulong w, uint fromBit, out MemoryBlock found)
    {
        found = default;
        ChunkFlags flags = ChunkHeader.FlagsOf(w);
        ulong chunkOff = ChunkOffset(z, c);
        ulong unit = _pool.Word(chunkOff);
        ulong alignment = (flags & ChunkFlags.Aligned) != 0 ? _pool.Word(chunkOff + 8) : 0;
        if (!RunGeometry.TryCompute(s, flags, unit, alignment, out RunGeometry g))
            throw new PoolCorruptedException($"heap: zone {z} chunk {c}: run header field 'block_size' {unit} does not fit the run", _pool.Path);
        int hs = AllocationHeader.SizeOf(AllocationHeader.FromChunkFlags(flags));
        ulong dataStart = g.DataStart(chunkOff, alignment, hs);
        ulong bitmap = chunkOff + ChunkRunHeader.Size;
        uint bit = fromBit;
        while (bit < g.NBits)
        {
            ulong v = _pool.Word(bitmap + bit / 64 * 8UL) >> (int)(bit % 64);
            if (v == 0)
            {
                bit = (bit / 64 + 1) * 64;
                continue;
            }
            bit += (uint)BitOperations.TrailingZeroCount(v);
            if (bit >= g.NBits)
                break;
            ulong off = dataStart + bit * unit + (ulong)hs;
            if (!TryResolve(off, out found, out _))
            {
                bit++;
                continue;
            }
            if ((found.Flags & AllocationHeader.FlagInternal) == 0)
                return off;
            bit += found.Units;
        }
        return 0;
    }
}
