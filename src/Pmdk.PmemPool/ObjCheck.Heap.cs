// The heap part of the obj check: heap header, zones, chunk walk, runs, bitmaps and allocation headers (PMDK: libpmemobj/heap.c heap_check, memblock.c).
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Heap;

namespace Pmdk.PmemPool;

internal sealed partial class ObjCheck
{
    private static readonly AllocationClassCollection DefaultClasses = new();

    private void CheckHeap(ulong heapOffset, ulong heapSize)
    {
        HeapHeader hh = _pool.Read<HeapHeader>(heapOffset);
        if (!hh.SignatureValid)
        {
            Problem("invalid heap_header.signature (should be \"MEMORY_HEAP_HDR\")");
            return;
        }
        ulong sum = hh.ComputeChecksum();
        if (sum != hh.Checksum)
        {
            Problem($"invalid heap_header.checksum: 0x{hh.Checksum:x16} (should be 0x{sum:x16})");
            return;
        }
        int zones = HeapLayout.ZoneCount(heapSize);
        for (int z = 0; z < zones; z++)
            CheckZone(z, PoolInfo.ZoneOffset(heapOffset, z), HeapLayout.ZoneChunks(heapSize, z, zones));
    }

    private void CheckZone(int z, ulong zoneOff, uint maxChunks)
    {
        string zp = string.Create(CultureInfo.InvariantCulture, $"zone {z}: ");
        ZoneHeader zh = _pool.Read<ZoneHeader>(zoneOff);
        if (zh.Magic == 0)
            return; // not initialized yet: valid in any state
        if (zh.Magic != HeapLayout.ZoneMagic)
        {
            Problem(zp + $"invalid zone_header.magic: 0x{zh.Magic:x8} (should be 0x{HeapLayout.ZoneMagic:x8})");
            return;
        }
        if (zh.SizeIdx == 0 || zh.SizeIdx > maxChunks)
        {
            Problem(zp + $"invalid zone_header.size_idx: {zh.SizeIdx} (1 to {maxChunks})");
            if (zh.SizeIdx == 0)
                return;
        }
        uint limit = Math.Min(zh.SizeIdx, maxChunks);
        ulong[] headers = new ulong[limit];
        _pool.Read(zoneOff + HeapLayout.ZoneHeaderSize, MemoryMarshal.AsBytes(headers.AsSpan()));
        uint free = 0, used = 0, run = 0;
        uint c = 0;
        while (c < limit)
        {
            ulong hdr = headers[c];
            ChunkType type = ChunkHeader.TypeOf(hdr);
            ushort flags = (ushort)ChunkHeader.FlagsOf(hdr);
            uint sizeIdx = ChunkHeader.SizeIdxOf(hdr);
            string cp = zp + string.Create(CultureInfo.InvariantCulture, $"chunk {c}: ");
            if (type is < ChunkType.Footer or > ChunkType.RunData)
            {
                Problem(cp + $"invalid chunk_header.type: {(ushort)type}");
                return;
            }
            if ((flags & ~ChunkHeader.ValidFlags) != 0)
            {
                Problem(cp + $"invalid chunk_header.flags: 0x{flags:x}");
                return;
            }
            if (sizeIdx == 0 || sizeIdx > limit - c)
            {
                Problem(cp + $"invalid chunk_header.size_idx: {sizeIdx} (the zone has {limit - c} chunks left)");
                return;
            }
            if (type is ChunkType.Footer or ChunkType.RunData)
            {
                Problem(cp + $"invalid chunk_header.type: {PoolInfo.ChunkTypeName(type)} where a block starts");
                return;
            }
            ulong chunkOff = PoolInfo.ChunkOffset(zoneOff, c);
            if (type == ChunkType.Free)
            {
                free += sizeIdx;
            }
            else if (type == ChunkType.Used)
            {
                used += sizeIdx;
                CheckHuge(cp, chunkOff, (ChunkFlags)flags, sizeIdx);
            }
            else
            {
                run += sizeIdx;
                for (uint k = 1; k < sizeIdx; k++)
                {
                    ulong inner = headers[c + k];
                    if (ChunkHeader.TypeOf(inner) != ChunkType.RunData || ChunkHeader.SizeIdxOf(inner) != k)
                    {
                        Problem(zp + $"chunk {c + k}: invalid chunk_header in a run: type {(ushort)ChunkHeader.TypeOf(inner)}, size_idx {ChunkHeader.SizeIdxOf(inner)} (should be run data, {k})");
                        break;
                    }
                }
                CheckRun(cp, chunkOff, (ChunkFlags)flags, sizeIdx);
            }
            c += sizeIdx;
        }
        _msgs.Add(Info(zp + $"{limit} chunks: {free} free, {used} used, {run} in runs"));
    }

    private void CheckHuge(string cp, ulong chunkOff, ChunkFlags flags, uint sizeIdx)
    {
        HeaderType ht = AllocationHeader.FromChunkFlags(flags);
        ulong expected = sizeIdx * HeapLayout.ChunkSize;
        if (ht == HeaderType.None)
        {
            Problem(cp + "invalid chunk_header.flags: a used chunk with no allocation header (header none)");
            return;
        }
        (ulong real, ushort objFlags) = ReadAllocationHeader(chunkOff, ht);
        if (real != expected)
            Problem(cp + $"invalid allocation_header.size: {real} (a {sizeIdx}-chunk block is {expected})");
        if ((objFlags & ~AllocationHeader.FlagInternal) != 0)
            Problem(cp + $"invalid allocation_header.flags: 0x{objFlags:x}");
        Found(chunkOff + (ulong)AllocationHeader.SizeOf(ht), expected - (ulong)AllocationHeader.SizeOf(ht), objFlags);
    }

    private (ulong RealSize, ushort Flags) ReadAllocationHeader(ulong blockOff, HeaderType ht)
    {
        if (ht == HeaderType.Compact)
        {
            CompactAllocationHeader c = _pool.Read<CompactAllocationHeader>(blockOff);
            return (c.SizeAndFlags & AllocationHeader.SizeMask, (ushort)(c.SizeAndFlags >> 48));
        }
        LegacyAllocationHeader l = _pool.Read<LegacyAllocationHeader>(blockOff);
        return (l.RealSize, (ushort)(l.RootSizeAndFlags >> 48));
    }

    private void Found(ulong userOff, ulong usable, ushort objFlags)
    {
        if (_wanted.ContainsKey(userOff))
            _found[userOff] = (usable, (objFlags & AllocationHeader.FlagInternal) != 0);
    }

    private void CheckRun(string cp, ulong chunkOff, ChunkFlags flags, uint sizeIdx)
    {
        ChunkRunHeader rh = _pool.Read<ChunkRunHeader>(chunkOff);
        if (rh.BlockSize == 0)
        {
            Problem(cp + "invalid chunk_run_header.block_size: 0");
            return;
        }
        bool aligned = (flags & ChunkFlags.Aligned) != 0;
        if (aligned != (rh.Alignment != 0) || (aligned && !BitOperations.IsPow2(rh.Alignment)))
        {
            Problem(cp + $"invalid chunk_run_header.alignment: {rh.Alignment} (flags 0x{(ushort)flags:x})");
            return;
        }
        if (!RunGeometry.TryCompute(sizeIdx, flags, rh.BlockSize, rh.Alignment, out RunGeometry g))
        {
            Problem(cp + $"invalid chunk_run_header.block_size: {rh.BlockSize} does not fit a run of {sizeIdx} chunks");
            return;
        }
        HeaderType ht = AllocationHeader.FromChunkFlags(flags);
        int hsize = AllocationHeader.SizeOf(ht);
        AllocationClass? cls = DefaultClasses.FindRunClass(rh.BlockSize, flags, sizeIdx);
        if (cls is null && ht != HeaderType.None && rh.BlockSize < (ulong)hsize)
        {
            Problem(cp + $"invalid chunk_run_header.block_size: {rh.BlockSize} is smaller than its {hsize}-byte allocation header");
            return;
        }

        ulong[] bitmap = new ulong[g.BitmapBytes / 8];
        _pool.Read(chunkOff + ChunkRunHeader.Size, MemoryMarshal.AsBytes(bitmap.AsSpan()));
        for (uint w = g.NValues; w < bitmap.Length; w++)
        {
            if (bitmap[w] != ulong.MaxValue)
            {
                Problem(cp + $"invalid run bitmap: padding word {w} is 0x{bitmap[w]:x16} (should be all ones)");
                break;
            }
        }
        int tail = (int)(g.NBits % 64);
        if (tail != 0 && (bitmap[g.NValues - 1] | ((1UL << tail) - 1)) != ulong.MaxValue)
            Problem(cp + $"invalid run bitmap: bits past block {g.NBits} in word {g.NValues - 1} are clear (0x{bitmap[g.NValues - 1]:x16})");

        ulong dataStart = g.DataStart(chunkOff, rh.Alignment, hsize);
        for (uint i = 0; i < g.NBits;)
        {
            ulong word = bitmap[i / 64] >> (int)(i % 64);
            if (word == 0)
            {
                i = (i / 64 + 1) * 64;
                continue;
            }
            if ((word & 1) == 0)
            {
                i += (uint)BitOperations.TrailingZeroCount(word);
                continue;
            }
            ulong blockOff = dataStart + i * rh.BlockSize;
            if (ht == HeaderType.None)
            {
                Found(blockOff, rh.BlockSize, 0);
                i++;
                continue;
            }
            (ulong real, ushort objFlags) = ReadAllocationHeader(blockOff, ht);
            ulong units = real / rh.BlockSize;
            uint inWord = 64 - i % 64;
            if (real == 0 || real % rh.BlockSize != 0 || units > inWord || i + units > g.NBits)
            {
                Problem(cp + $"block {i}: invalid allocation_header.size: {real} (block size {rh.BlockSize}, at most {Math.Min(inWord, g.NBits - i)} blocks)");
                i++;
                continue;
            }
            ulong mask = units == 64 ? ulong.MaxValue : (1UL << (int)units) - 1;
            if ((word & mask) != mask)
                Problem(cp + $"block {i}: allocation_header.size {real} covers {units} blocks but the run bitmap marks only some of them");
            if ((objFlags & ~AllocationHeader.FlagInternal) != 0)
                Problem(cp + $"block {i}: invalid allocation_header.flags: 0x{objFlags:x}");
            Found(blockOff + (ulong)hsize, real - (ulong)hsize, objFlags);
            i += (uint)units;
        }
    }
}
