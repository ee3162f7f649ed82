// An allocation class: unit size, run size and header type (PMDK: libpmemobj/alloc_class.h struct alloc_class).
using Pmdk.Obj.Heap;

namespace Pmdk.Obj.Alloc;

/// <summary>Whether a class hands out run blocks or whole chunks.</summary>
public enum AllocationClassKind
{
    /// <summary>Whole chunks (class 0).</summary>
    Huge,
    /// <summary>Blocks of a run.</summary>
    Run,
}

/// <summary>An allocation class (spec §5.7).</summary>
public sealed class AllocationClass
{
    internal AllocationClass(byte id, AllocationClassKind kind, ulong unitSize, uint runSizeIdx, HeaderType header, ulong alignment)
    {
        Id = id;
        Kind = kind;
        UnitSize = unitSize;
        RunSizeIdx = runSizeIdx;
        Header = header;
        Alignment = alignment;
        HeaderSize = AllocationHeader.SizeOf(header);
        if (kind == AllocationClassKind.Run)
        {
            RunFlags = ChunkFlags.FlexBitmap | header switch
            {
                HeaderType.Compact => ChunkFlags.CompactHeader,
                HeaderType.None => ChunkFlags.HeaderNone,
                _ => ChunkFlags.None,
            } | (alignment != 0 ? ChunkFlags.Aligned : ChunkFlags.None);
            if (!RunGeometry.TryCompute(runSizeIdx, RunFlags, unitSize, alignment, out RunGeometry g))
                throw new ArgumentException($"allocation class {id}: unit {unitSize} does not fit a run of {runSizeIdx} chunks.");
            Geometry = g;
        }
        else
        {
            RunFlags = ChunkFlags.CompactHeader;
        }
    }

    /// <summary>Class id (0 = huge, 1–53 default runs, 54+ custom).</summary>
    public byte Id { get; }

    /// <summary>Huge or run.</summary>
    public AllocationClassKind Kind { get; }

    /// <summary>Unit size in bytes (chunk size for the huge class).</summary>
    public ulong UnitSize { get; }

    /// <summary>Chunks of each run of this class.</summary>
    public uint RunSizeIdx { get; }

    /// <summary>Header type of objects of this class.</summary>
    public HeaderType Header { get; }

    /// <summary>Header size in bytes.</summary>
    public int HeaderSize { get; }

    /// <summary>Block alignment of the class (0 = none).</summary>
    public ulong Alignment { get; }

    /// <summary>Chunk flags of runs of this class (chunk flags of huge blocks for class 0).</summary>
    public ChunkFlags RunFlags { get; }

    /// <summary>Geometry of a run of this class.</summary>
    public RunGeometry Geometry { get; }

    /// <summary>Units an object of <paramref name="size"/> user bytes takes.</summary>
    public ulong UnitsFor(ulong size) => (size + (ulong)HeaderSize + UnitSize - 1) / UnitSize;
}
