// pmempool info for obj pools: descriptor, heap header, zones and chunks (PMDK: tools/pmempool/info_obj.c).
using System.Globalization;
using System.Numerics;
using System.Text;
using Pmdk.Obj;
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Heap;

namespace Pmdk.PmemPool;

public static partial class PoolInfo
{
    private static void ObjLines(StringBuilder sb, PoolFiles files, InfoOptions options)
    {
        PoolDescriptor d = files.Read<PoolDescriptor>(PoolDescriptor.PoolOffset);
        PoolDescriptorRuntime rt = files.Read<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset);
        sb.Append("\nPMEM OBJ Header:\n");
        Line(sb, "Layout", ObjLayoutName(d));
        Line(sb, "Lanes offset", $"0x{d.LanesOffset:x}");
        Line(sb, "Number of lanes", d.LaneCount.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Heap offset", $"0x{d.HeapOffset:x}");
        Line(sb, "Heap size", rt.HeapSize.ToString(CultureInfo.InvariantCulture));
        ulong computed = d.ComputeChecksum();
        Line(sb, "Checksum", computed == d.Checksum ? $"0x{d.Checksum:x} [OK]" : $"0x{d.Checksum:x} [wrong! should be: 0x{computed:x}]");
        Line(sb, "Root offset", $"0x{rt.RootOffset:x}");
        if (options.Verbose)
            Line(sb, "Run id", rt.RunId.ToString(CultureInfo.InvariantCulture));
        if (options.Heap)
            HeapHeaderLines(sb, files, d.HeapOffset);
        if (options.Zones || options.Chunks)
            ZoneLines(sb, files, d.HeapOffset, rt.HeapSize != 0 ? rt.HeapSize : files.ReplicaSize - d.HeapOffset, options.Zones, options.Chunks);
    }

    /// <summary>The NUL-terminated layout name of a descriptor.</summary>
    internal static string ObjLayoutName(in PoolDescriptor d)
    {
        ReadOnlySpan<byte> name = d.Layout;
        int nul = name.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? name : name[..nul]);
    }

    private static void HeapHeaderLines(StringBuilder sb, PoolFiles files, ulong heapOffset)
    {
        HeapHeader h = files.Read<HeapHeader>(heapOffset);
        ReadOnlySpan<byte> sig = h.Signature;
        int nul = sig.IndexOf((byte)0);
        sb.Append("\nPMEMOBJ Heap Header:\n");
        Line(sb, "Signature", Encoding.Latin1.GetString(nul < 0 ? sig : sig[..nul]));
        Line(sb, "Major", h.Major.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Minor", h.Minor.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Chunk size", h.ChunkSize.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Chunks per zone", h.ChunksPerZone.ToString(CultureInfo.InvariantCulture));
        ulong computed = h.ComputeChecksum();
        Line(sb, "Checksum", computed == h.Checksum ? $"0x{h.Checksum:x} [OK]" : $"0x{h.Checksum:x} [wrong! should be: 0x{computed:x}]");
    }

    /// <summary>Pool offset of zone <paramref name="zone"/>.</summary>
    internal static ulong ZoneOffset(ulong heapOffset, int zone) => heapOffset + HeapLayout.HeaderSize + (ulong)zone * HeapLayout.ZoneMaxSize;

    /// <summary>Pool offset of chunk <paramref name="chunk"/> of the zone at <paramref name="zoneOffset"/>.</summary>
    internal static ulong ChunkOffset(ulong zoneOffset, uint chunk) => zoneOffset + HeapLayout.ZoneMetaSize + chunk * HeapLayout.ChunkSize;

    private static void ZoneLines(StringBuilder sb, PoolFiles files, ulong heapOffset, ulong heapSize, bool headers, bool chunks)
    {
        int zones = HeapLayout.ZoneCount(heapSize);
        for (int z = 0; z < zones; z++)
        {
            ulong zoneOff = ZoneOffset(heapOffset, z);
            ZoneHeader zh = files.Read<ZoneHeader>(zoneOff);
            sb.Append(CultureInfo.InvariantCulture, $"\nZone {z}:\n");
            if (headers)
            {
                string state = zh.Magic == HeapLayout.ZoneMagic ? "OK" : zh.Magic == 0 ? "uninitialized" : "wrong! should be 0xC3F0A2D2";
                Line(sb, "Magic", $"0x{zh.Magic:x8} [{state}]");
                Line(sb, "Size idx", zh.SizeIdx.ToString(CultureInfo.InvariantCulture));
            }
            if (!chunks || zh.Magic != HeapLayout.ZoneMagic)
                continue;
            uint limit = Math.Min(zh.SizeIdx, HeapLayout.MaxChunk);
            ulong[] chunkHeaders = ReadChunkHeaders(files, zoneOff, limit);
            for (uint c = 0; c < limit;)
            {
                ulong hdr = chunkHeaders[c];
                ChunkType type = ChunkHeader.TypeOf(hdr);
                ChunkFlags flags = ChunkHeader.FlagsOf(hdr);
                uint sizeIdx = ChunkHeader.SizeIdxOf(hdr);
                sb.Append(" \n");
                Line(sb, 1, "Chunk", c.ToString(CultureInfo.InvariantCulture));
                Line(sb, 1, "Type", ChunkTypeName(type));
                Line(sb, 1, "Flags", $"0x{(ushort)flags:x} {ChunkFlagsName(flags)}");
                Line(sb, 1, "Size idx", sizeIdx.ToString(CultureInfo.InvariantCulture));
                if (type == ChunkType.Run)
                {
                    ChunkRunHeader run = files.Read<ChunkRunHeader>(ChunkOffset(zoneOff, c));
                    Line(sb, 1, "Block size", run.BlockSize.ToString(CultureInfo.InvariantCulture));
                    if (RunGeometry.TryCompute(sizeIdx, flags, run.BlockSize, run.Alignment, out RunGeometry g))
                        Line(sb, 1, "Bitmap", $"{CountUsed(files, ChunkOffset(zoneOff, c), g)} / {g.NBits}");
                }
                if (sizeIdx == 0)
                    break;
                c += sizeIdx;
            }
        }
    }

    /// <summary>The chunk-header array of a zone, as packed u64s.</summary>
    internal static ulong[] ReadChunkHeaders(PoolFiles files, ulong zoneOffset, uint count)
    {
        ulong[] headers = new ulong[count];
        files.Read(zoneOffset + HeapLayout.ZoneHeaderSize, System.Runtime.InteropServices.MemoryMarshal.AsBytes(headers.AsSpan()));
        return headers;
    }

    /// <summary>The used bits among the first <c>nbits</c> bits of a run's bitmap.</summary>
    internal static ulong CountUsed(PoolFiles files, ulong runOffset, RunGeometry g)
    {
        ulong[] words = new ulong[g.NValues];
        files.Read(runOffset + ChunkRunHeader.Size, System.Runtime.InteropServices.MemoryMarshal.AsBytes(words.AsSpan()));
        ulong used = 0;
        for (uint w = 0; w < g.NValues; w++)
        {
            uint bits = Math.Min(64, g.NBits - w * 64);
            ulong mask = bits == 64 ? ulong.MaxValue : (1UL << (int)bits) - 1;
            used += (ulong)BitOperations.PopCount(words[w] & mask);
        }
        return used;
    }

    internal static string ChunkTypeName(ChunkType type) => type switch
    {
        ChunkType.Footer => "footer",
        ChunkType.Free => "free",
        ChunkType.Used => "used",
        ChunkType.Run => "run",
        ChunkType.RunData => "run data",
        _ => "unknown",
    };

    private static string ChunkFlagsName(ChunkFlags flags) =>
        (flags & ChunkFlags.CompactHeader) != 0 ? "compact header" : (flags & ChunkFlags.HeaderNone) != 0 ? "header none" : "";

    private static void Line(StringBuilder sb, int indent, string label, string value) =>
        sb.Append(' ', indent).Append(label.PadRight(25)).Append(": ").Append(value).Append('\n');
}
