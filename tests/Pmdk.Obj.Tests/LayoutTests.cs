// Sizes and offsets of the on-media structs, checksum vectors and run geometry of the default classes (spec §1–§5).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Heap;
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Tests;

public class LayoutTests
{
    [Fact]
    public void Struct_sizes_match_the_spec()
    {
        Assert.Equal(2048, Unsafe.SizeOf<PoolDescriptor>());
        Assert.Equal(544, Unsafe.SizeOf<PoolDescriptorRuntime>());
        Assert.Equal(64, Unsafe.SizeOf<UlogHeader>());
        Assert.Equal(16, Unsafe.SizeOf<UlogValueEntry>());
        Assert.Equal(24, Unsafe.SizeOf<UlogBufferEntryHeader>());
        Assert.Equal(1024, Unsafe.SizeOf<HeapHeader>());
        Assert.Equal(64, Unsafe.SizeOf<ZoneHeader>());
        Assert.Equal(8, Unsafe.SizeOf<ChunkHeader>());
        Assert.Equal(16, Unsafe.SizeOf<ChunkRunHeader>());
        Assert.Equal(16, Unsafe.SizeOf<CompactAllocationHeader>());
        Assert.Equal(64, Unsafe.SizeOf<LegacyAllocationHeader>());
        Assert.Equal(16, Unsafe.SizeOf<PmemOid>());
    }

    [Fact]
    public void Field_offsets_match_the_spec()
    {
        Assert.Equal(0x400, (int)Marshal.OffsetOf<PoolDescriptor>(nameof(PoolDescriptor.LanesOffset)));
        Assert.Equal(0x408, (int)Marshal.OffsetOf<PoolDescriptor>(nameof(PoolDescriptor.LaneCount)));
        Assert.Equal(0x410, (int)Marshal.OffsetOf<PoolDescriptor>(nameof(PoolDescriptor.HeapOffset)));
        Assert.Equal(0x7F8, (int)Marshal.OffsetOf<PoolDescriptor>(nameof(PoolDescriptor.Checksum)));
        Assert.Equal(8, (int)Marshal.OffsetOf<PoolDescriptorRuntime>(nameof(PoolDescriptorRuntime.RunId)));
        Assert.Equal(32, (int)Marshal.OffsetOf<PoolDescriptorRuntime>(nameof(PoolDescriptorRuntime.HeapSize)));
        Assert.Equal(24, (int)Marshal.OffsetOf<UlogHeader>(nameof(UlogHeader.GenNum)));
        Assert.Equal(48, (int)Marshal.OffsetOf<HeapHeader>(nameof(HeapHeader.ChunksPerZone)));
        Assert.Equal(1016, (int)Marshal.OffsetOf<HeapHeader>(nameof(HeapHeader.Checksum)));
        Assert.Equal(4, (int)Marshal.OffsetOf<ChunkHeader>(nameof(ChunkHeader.SizeIdx)));
        Assert.Equal(56, (int)Marshal.OffsetOf<LegacyAllocationHeader>(nameof(LegacyAllocationHeader.TypeNum)));
        Assert.Equal(LaneLayout.Size, LaneLayout.UndoOffset + 64 + LaneLayout.UndoCapacity);
        Assert.Equal(LaneLayout.UndoOffset, LaneLayout.ExternalOffset + 64 + LaneLayout.ExternalCapacity);
        Assert.Equal(524288UL, HeapLayout.ZoneMetaSize);
        Assert.Equal(1311744UL, HeapLayout.MinHeapSize);
    }

    [Fact]
    public void Checksum_vectors()
    {
        Assert.Equal(0x4bf97ca8f7542425UL, HeapHeader.CreateDefault().Checksum);
        var d = new PoolDescriptor { LanesOffset = 0x2000, LaneCount = 1024, HeapOffset = 0x302000 };
        Assert.Equal(0x2f83780000304400UL, d.ComputeChecksum());
        "spec"u8.CopyTo(d.Layout);
        Assert.Equal(0xfa645e006395b473UL, d.ComputeChecksum());
    }

    [Fact]
    public void Chunk_header_packing_matches_observed_bytes()
    {
        Assert.Equal(0x0000_0001_0009_0004UL, ChunkHeader.Pack(ChunkType.Run, ChunkFlags.CompactHeader | ChunkFlags.FlexBitmap, 1));
        Assert.Equal(0x0000_000d_0001_0003UL, ChunkHeader.Pack(ChunkType.Used, ChunkFlags.CompactHeader, 13));
    }

    [Fact]
    public void Zone_geometry()
    {
        Assert.Equal(1, HeapLayout.ZoneCount((8UL << 20) - 0x302000));
        Assert.Equal(17u, HeapLayout.ZoneChunks((8UL << 20) - 0x302000, 0, 1));
        Assert.Equal(241u, HeapLayout.ZoneChunks((64UL << 20) - 0x302000, 0, 1));
        ulong h20 = (20UL << 30) - 0x302000;
        Assert.Equal(2, HeapLayout.ZoneCount(h20));
        Assert.Equal(16375u, HeapLayout.ZoneChunks(h20, 1, 2));
    }

    // id, unit, size_idx, nbits, nvalues, bitmap bytes, first block offset (spec §5.7, a sample of rows).
    [Theory]
    [InlineData(1, 128, 1, 2045, 32, 304, 320)]
    [InlineData(2, 192, 1, 1364, 22, 176, 192)]
    [InlineData(3, 320, 1, 818, 13, 112, 128)]
    [InlineData(5, 704, 1, 372, 6, 48, 64)]
    [InlineData(9, 1472, 2, 356, 6, 48, 64)]
    [InlineData(14, 3776, 3, 208, 4, 48, 64)]
    [InlineData(32, 23040, 16, 182, 3, 48, 64)]
    [InlineData(42, 66560, 16, 63, 1, 48, 64)]
    [InlineData(53, 349440, 16, 12, 1, 48, 64)]
    public void Default_class_geometry(int id, int unit, int sizeIdx, int nbits, int nvalues, int bitmapBytes, int first)
    {
        AllocationClass c = new AllocationClassCollection()[id]!;
        Assert.Equal((ulong)unit, c.UnitSize);
        Assert.Equal((uint)sizeIdx, c.RunSizeIdx);
        Assert.Equal((uint)nbits, c.Geometry.NBits);
        Assert.Equal((uint)nvalues, c.Geometry.NValues);
        Assert.Equal((uint)bitmapBytes, c.Geometry.BitmapBytes);
        Assert.Equal((uint)first, c.Geometry.DataOffset);
    }

    [Fact]
    public void Class_selection_reproduces_observed_usable_sizes()
    {
        var classes = new AllocationClassCollection();
        AllocationClass one = classes.Select(1);
        Assert.Equal(112UL, one.UnitSize * one.UnitsFor(1) - 16);
        AllocationClass root = classes.Select(4000);
        Assert.Equal(832UL, root.UnitSize);
        Assert.Equal(5UL, root.UnitsFor(4000));
        Assert.Equal(AllocationClassKind.Huge, classes.Select(3 << 20).Kind);
    }
}
