// Geometry of a lane: three unified logs back to back (PMDK: libpmemobj/lane.h struct lane_layout).
namespace Pmdk.Obj.Lanes;

/// <summary>Offsets and capacities of the three ulogs of every lane (spec §3).</summary>
public static class LaneLayout
{
    /// <summary>Size of one lane.</summary>
    public const int Size = 3072;

    /// <summary>Lanes PMDK 1.12.1 creates. C: <c>OBJ_NLANES</c>.</summary>
    public const int DefaultLaneCount = 1024;

    /// <summary>Offset of the internal redo ulog in a lane.</summary>
    public const int InternalOffset = 0;

    /// <summary>Data capacity of the internal redo ulog. C: <c>LANE_REDO_INTERNAL_SIZE</c>.</summary>
    public const int InternalCapacity = 192;

    /// <summary>Offset of the external redo ulog in a lane.</summary>
    public const int ExternalOffset = 256;

    /// <summary>Data capacity of the external redo ulog. C: <c>LANE_REDO_EXTERNAL_SIZE</c>.</summary>
    public const int ExternalCapacity = 640;

    /// <summary>Offset of the undo ulog in a lane.</summary>
    public const int UndoOffset = 960;

    /// <summary>Data capacity of the undo ulog. C: <c>LANE_UNDO_SIZE</c>.</summary>
    public const int UndoCapacity = 2048;
}
