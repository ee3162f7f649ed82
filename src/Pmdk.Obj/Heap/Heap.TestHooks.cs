// Test hook: a walk over every allocated block, internal objects included (PMDK: libpmemobj/heap.c heap_foreach_object).
using System.Numerics;
using Pmdk.Obj.Alloc;

namespace Pmdk.Obj.Heap;

internal sealed partial class Heap
{
    /// <summary>User offsets of all allocated blocks in walk order, with their internal flag.</summary>
    public List<(ulong Offset, bool Internal)> TestHookAllocatedBlocks()
    {
        var list = new List<(ulong, bool)>();
        for (int z = 0; z < ZoneCount; z++)
        {
            if (!ZoneInitialized(z))
                continue;
            uint size = Zone(z).SizeIdx;
            for (uint c = 0; c < size;)
            {
                ulong w = ChunkHeaderWord(z, c);
                uint s = Math.Max(1u, ChunkHeader.SizeIdxOf(w));
                ChunkType t = ChunkHeader.TypeOf(w);
                ulong chunkOff = ChunkOffset(z, c);
                int hs = AllocationHeader.SizeOf(AllocationHeader.FromChunkFlags(ChunkHeader.FlagsOf(w)));
                if (t == ChunkType.Used && TryResolve(chunkOff + (ulong)hs, out MemoryBlock m, out _))
                {
                    list.Add((m.UserOffset, (m.Flags & AllocationHeader.FlagInternal) != 0));
                }
                else if (t == ChunkType.Run)
                {
                    ChunkFlags flags = ChunkHeader.FlagsOf(w);
                    ulong unit = _pool.Word(chunkOff);
                    ulong alignment = (flags & ChunkFlags.Aligned) != 0 ? _pool.Word(chunkOff + 8) : 0;
                    if (RunGeometry.TryCompute(s, flags, unit, alignment, out RunGeometry g))
                    {
                        ulong dataStart = g.DataStart(chunkOff, alignment, hs);
                        for (uint bit = 0; bit < g.NBits;)
                        {
                            ulong v = _pool.Word(chunkOff + ChunkRunHeader.Size + bit / 64 * 8UL) >> (int)(bit % 64);
                            if (v == 0)
                            {
                                bit = (bit / 64 + 1) * 64;
                                continue;
                            }
                            bit += (uint)BitOperations.TrailingZeroCount(v);
                            if (bit >= g.NBits)
                                break;
                            ulong off = dataStart + bit * unit + (ulong)hs;
                            if (TryResolve(off, out MemoryBlock b, out _))
                            {
                                list.Add((off, (b.Flags & AllocationHeader.FlagInternal) != 0));
                                bit += Math.Max(1u, b.Units);
                            }
                            else
                            {
                                bit++;
                            }
                        }
                    }
                }
                c += s;
            }
        }
        return list;
    }

    /// <summary>Test hook: the heap's chunk blocks by type and the DRAM state of its runs, one line each.</summary>
    public List<string> TestHookChunkMap()
    {
        var lines = new List<string>();
        lock (_global)
        {
            for (int z = 0; z < ZoneCount; z++)
            {
                if (!ZoneInitialized(z))
                    continue;
                uint size = Zone(z).SizeIdx;
                for (uint c = 0; c < size;)
                {
                    ulong w = ChunkHeaderWord(z, c);
                    uint s = Math.Max(1u, ChunkHeader.SizeIdxOf(w));
                    ChunkType t = ChunkHeader.TypeOf(w);
                    string line = $"z{z} c{c} {t} x{s}";
                    if (t == ChunkType.Run && RunAt(ChunkOffset(z, c)) is RunInfo r)
                        line += $" unit {r.Unit} used {CountUsed(r.ChunkOffset, r.Geometry)} reserved {HasReservedBits(r)} owner {r.Owner?.Id} dead {r.Dead} recycled {r.InRecycler}";
                    if (IsReservedChunkBlock(z, c))
                        line += " reserved-block";
                    lines.Add(line);
                    c += s;
                }
            }
            lines.Add($"free index: {string.Join(' ', _free)}");
        }
        return lines;
    }
}
