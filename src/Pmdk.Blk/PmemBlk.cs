// A pool of fixed-size blocks, each written atomically with respect to power failure (PMDK: libpmemblk/blk.c).
using Pmdk.Pool;

namespace Pmdk.Blk;

/// <summary>
/// A pmemblk pool: an array of <see cref="BlockCount"/> blocks of <see cref="BlockSize"/> bytes. A block write
/// either fully happens or not at all, even across a power failure (the BTT of spec §7). The on-media format is
/// PMDK 1.12.1's, so pools can be shared with libpmemblk and checked with <c>pmempool check</c>.
/// All members are thread-safe; concurrent calls run on separate lanes like PMDK's.
/// </summary>
/// <remarks>C: <c>PMEMblkpool</c>.</remarks>
public sealed partial class PmemBlk : IDisposable
{
    private readonly PoolReplica _replica;
    private readonly Btt.Btt _btt;
    private readonly PaddedSpinLock[] _laneLocks;
    private readonly uint _laneMask; // lane count − 1 when it is a power of two (a mask instead of a division), else 0
    private readonly bool _threadAffine;
    private uint _nextLane;
    private bool _disposed;

    [ThreadStatic]
    private static uint t_laneHint; // 1 + the lane this thread took last (in any pool); 0 = none yet

    private PmemBlk(PoolReplica replica, Btt.Btt btt, BlkLaneSelection laneSelection)
    {
        _threadAffine = laneSelection != BlkLaneSelection.RoundRobin;
        _replica = replica;
        _btt = btt;
        _laneLocks = new PaddedSpinLock[btt.NLane];
        _laneMask = btt.NLane > 1 && uint.IsPow2(btt.NLane) ? btt.NLane - 1 : 0;
    }

    /// <summary>The pool file or pool set file.</summary>
    public string Path => _replica.Path;

    /// <summary>Size of every block in bytes. C: <c>pmemblk_bsize</c>.</summary>
    public int BlockSize => (int)_btt.LbaSize;

    /// <summary>Number of blocks. C: <c>pmemblk_nblock</c>.</summary>
    public long BlockCount => (long)_btt.NLba;

    /// <summary>Number of lanes (concurrent operations that do not wait for each other).</summary>
    public int LaneCount => _laneLocks.Length;

    /// <summary>Whether the pool is read-only (unknown ro_compat features in its header).</summary>
    public bool IsReadOnly => _replica.IsReadOnly;

    /// <summary>Whether the mapping is persistent memory (flushes) rather than msync'ed.</summary>
    public bool IsPmem => _replica.IsPmem;

    /// <summary>Reads block <paramref name="blockNumber"/> into <paramref name="destination"/>. C: <c>pmemblk_read</c>.</summary>
    /// <param name="blockNumber">0 ≤ block &lt; <see cref="BlockCount"/>.</param>
    /// <param name="destination">At least <see cref="BlockSize"/> bytes; exactly that many are written.</param>
    /// <exception cref="PmemIOException">The block was marked bad with <see cref="SetError"/> (errno EIO).</exception>
    public void Read(long blockNumber, Span<byte> destination)
    {
        CheckBlock(blockNumber);
        uint lane = EnterLane();
        try
        {
            _btt.Read(lane, (ulong)blockNumber, destination);
        }
        finally
        {
            ExitLane(lane);
        }
    }

    /// <summary>
    /// Writes block <paramref name="blockNumber"/> atomically: after a crash it reads either entirely old or
    /// entirely new. C: <c>pmemblk_write</c>.
    /// </summary>
    /// <param name="blockNumber">0 ≤ block &lt; <see cref="BlockCount"/>.</param>
    /// <param name="source">At least <see cref="BlockSize"/> bytes; the first <see cref="BlockSize"/> are written.</param>
    public void Write(long blockNumber, ReadOnlySpan<byte> source)
    {
        CheckWritable(blockNumber);
        uint lane = EnterLane();
        try
        {
            _btt.Write(lane, (ulong)blockNumber, source);
        }
        finally
        {
            ExitLane(lane);
        }
    }

    /// <summary>Makes block <paramref name="blockNumber"/> read as zeros (atomically). C: <c>pmemblk_set_zero</c>.</summary>
    public void SetZero(long blockNumber)
    {
        CheckWritable(blockNumber);
        uint lane = EnterLane();
        try
        {
            _btt.SetZero(lane, (ulong)blockNumber);
        }
        finally
        {
            ExitLane(lane);
        }
    }

    /// <summary>
    /// Marks block <paramref name="blockNumber"/> bad: reads fail with EIO until the block is written again.
    /// C: <c>pmemblk_set_error</c>.
    /// </summary>
    public void SetError(long blockNumber)
    {
        CheckWritable(blockNumber);
        uint lane = EnterLane();
        try
        {
            _btt.SetError(lane, (ulong)blockNumber);
        }
        finally
        {
            ExitLane(lane);
        }
    }

    /// <summary>
    /// Flushes, records a clean shutdown, unmaps and unlocks the pool. C: <c>pmemblk_close</c>.
    /// Takes every lane lock first, so no operation is running on the mapping while it goes away.
    /// </summary>
    public void Dispose()
    {
        int taken = 0;
        try
        {
            for (; taken < _laneLocks.Length; taken++)
                _laneLocks[taken].Enter();
            if (_disposed)
                return;
            _disposed = true;
            _replica.Dispose();
        }
        finally
        {
            for (int i = 0; i < taken; i++)
                _laneLocks[i].Exit();
        }
    }

    /// <summary>
    /// Takes a lane and its lock (C: <c>lane_enter</c>). With <see cref="BlkLaneSelection.ThreadAffine"/> a thread
    /// first tries the lane it used last, so threads that do not outnumber the lanes each keep their own lane and
    /// never touch a shared line; otherwise, or when that lane is busy, it takes the next one round-robin like PMDK.
    /// Holding a lane lock also keeps <see cref="Dispose"/> out, which needs every lane lock, so no separate lifetime
    /// lock is taken per operation.
    /// </summary>
    private uint EnterLane()
    {
        uint hint = t_laneHint;
        if (hint != 0 && _threadAffine)
        {
            uint preferred = LaneOf(hint - 1);
            if (_laneLocks[preferred].TryEnter())
                return CheckNotDisposed(preferred);
        }
        uint lane = LaneOf(Interlocked.Increment(ref _nextLane) - 1);
        _laneLocks[lane].Enter();
        t_laneHint = lane + 1;
        return CheckNotDisposed(lane);
    }

    private uint LaneOf(uint ticket) => _laneMask != 0 ? ticket & _laneMask : ticket % (uint)_laneLocks.Length;

    private uint CheckNotDisposed(uint lane)
    {
        if (_disposed)
        {
            _laneLocks[lane].Exit();
            throw new ObjectDisposedException(nameof(PmemBlk));
        }
        return lane;
    }

    /// <summary>Releases the lane. C: <c>lane_exit</c>.</summary>
    private void ExitLane(uint lane) => _laneLocks[lane].Exit();

    private static void CheckBlock(long blockNumber) =>
        ArgumentOutOfRangeException.ThrowIfNegative(blockNumber);

    private void CheckWritable(long blockNumber)
    {
        CheckBlock(blockNumber);
        if (_replica.IsReadOnly)
            throw new PmemException(PmemErrorCode.AccessDenied, "the pool is read-only (EROFS): its header has unknown ro_compat features.", Path);
    }
}
