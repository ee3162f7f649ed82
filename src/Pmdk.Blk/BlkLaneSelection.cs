// How a block operation picks its lane (PMDK: libpmemblk/blk.c lane_enter, which is round-robin).
namespace Pmdk.Blk;

/// <summary>How <see cref="PmemBlk"/> assigns a lane (a flog entry, a read-tracking slot and a lock) to each operation.</summary>
public enum BlkLaneSelection
{
    /// <summary>
    /// Default. A thread reuses the lane it took last while that lane is free, else takes the next one round-robin.
    /// Threads that do not outnumber the lanes each keep their own lane, so concurrent operations share no cache
    /// line (no shared lane counter, no shared lock or flog line).
    /// </summary>
    ThreadAffine,

    /// <summary>
    /// libpmemblk's order: every operation takes the next lane of a shared counter. The same operations then choose
    /// the same free blocks as C, so a pool ends up byte-identical to one written by libpmemblk (useful to compare
    /// images with C's; slower with several threads).
    /// </summary>
    RoundRobin,
}
