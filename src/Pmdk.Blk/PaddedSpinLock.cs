// The lane and map locks of pmemblk: one compare-exchange to take, one plain store to release (PMDK: blk.c lane locks, btt.c map_locks).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pmdk.Blk;

/// <summary>
/// A test-and-test-and-set lock word alone in its 64-byte cache line, so locks held by different threads never
/// share a line. Holders keep it for one block operation (a few hundred nanoseconds), so waiters spin and then
/// yield instead of blocking in the kernel.
/// </summary>
/// <remarks>
/// Measured on this machine (random 512-byte <c>PmemBlk.Write</c>s on a 1 GiB /dev/shm pool, one thread):
/// a <see cref="Lock"/> as the lane lock cost about 230 ns per write more than this lock, a third of the whole
/// write; a bare compare-exchange around the same write cost nothing measurable. Not reentrant; the owner is not
/// recorded, so only callers that took the lock release it (all uses are <c>Enter</c>/<c>try</c>/<c>finally Exit</c>).
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct PaddedSpinLock
{
    [FieldOffset(0)]
    private int _taken;

    /// <summary>Takes the lock, spinning and then yielding while another thread holds it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
            EnterContended();
    }

    /// <summary>Takes the lock if it is free; never waits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnter() => Volatile.Read(ref _taken) == 0 && Interlocked.CompareExchange(ref _taken, 1, 0) == 0;

    /// <summary>Releases the lock (a release store: everything written before it is visible to the next holder).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit() => Volatile.Write(ref _taken, 0);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterContended()
    {
        var spin = new SpinWait();
        do
        {
            // Never Sleep(1): a holder releases within microseconds, and a millisecond sleep would idle the lane.
            spin.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _taken) != 0 || Interlocked.CompareExchange(ref _taken, 1, 0) != 0);
    }
}
