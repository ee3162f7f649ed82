// Block read, atomic block write, set-zero and set-error (PMDK: libpmemblk/btt.c btt_read, btt_write, map_entry_setf, flog_update).
using System.Runtime.CompilerServices;

namespace Pmdk.Blk.Btt;

internal sealed partial class Btt
{
    /// <summary>Reads block <paramref name="lba"/> into <paramref name="destination"/> (≥ <see cref="LbaSize"/> bytes). C: <c>btt_read</c>.</summary>
    /// <exception cref="PmemIOException">The block is in the error state (EIO).</exception>
    public void Read(uint lane, ulong lba, Span<byte> destination)
    {
        CheckLane(lane);
        CheckLba(lba);
        destination = CheckBuffer(destination.Length) ? destination[..(int)LbaSize] : destination;
        if (!_laidOut)
        {
            destination.Clear();
            return;
        }

        (BttArena arena, uint premap) = Locate(lba);
        ulong mapOffset = arena.MapEntryOffset(premap);
        uint entry = _ns.ReadUInt32(mapOffset);
        try
        {
            while (true)
            {
                if (BttLayout.IsError(entry))
                    throw BlockError(lba);
                if (BttLayout.IsZeroOrInitial(entry))
                {
                    destination.Clear();
                    return;
                }
                // Publish the block being read so that no writer reuses it, then make sure the map did not move.
                Interlocked.Exchange(ref arena.Rtt(lane), entry); // the store and a full fence in one instruction
                uint latest = _ns.ReadUInt32(mapOffset);
                if (latest == entry)
                    break;
                entry = latest;
            }
            uint post = entry & BttLayout.MapLbaMask;
            if (post >= arena.InternalNlba)
                throw Corrupted($"BTT map entry {premap} of arena {arena.Index} (0x{entry:X8}) points past internal_nlba {arena.InternalNlba}");
            _ns.Read(arena.DataBlockOffset(post), destination);
        }
        finally
        {
            Volatile.Write(ref arena.Rtt(lane), BttLayout.MapError);
        }
    }

    /// <summary>
    /// Writes block <paramref name="lba"/> atomically: data to the lane's free block, flog update, map update,
    /// each made durable before the next. C: <c>btt_write</c>.
    /// </summary>
    public void Write(uint lane, ulong lba, ReadOnlySpan<byte> source)
    {
        CheckLane(lane);
        CheckLba(lba);
        source = CheckBuffer(source.Length) ? source[..(int)LbaSize] : source;
        EnsureLayout();
        (BttArena arena, uint premap) = Locate(lba);
        if (arena.IsInError)
            throw ArenaError(arena);

        ref FlogRuntime flog = ref arena.Flogs[lane];
        uint freeEntry = (flog.Current.OldMap & BttLayout.MapLbaMask) | BttLayout.MapNormal;

        // Wait until no reader is still copying out of the block this write will overwrite. The map store that freed
        // this block (this lane's previous write) is ordered before these loads by the lane lock the caller took
        // since (an interlocked acquire: a full fence), as PMDK relies on its lane mutex; no extra fence here.
        for (uint i = 0; i < NLane; i++)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref arena.Rtt(i)) == freeEntry)
                spin.SpinOnce();
        }

        // The map lock is taken before the data copy, not after it as in PMDK: taking it right after the
        // non-temporal stores would make its interlocked instruction wait for them to drain (measured 20-60 ns per
        // write). The data copy and the first flog half then share one fence (see UpdateFlog).
        ulong mapOffset = arena.MapEntryOffset(premap);
        ref PaddedSpinLock mapLock = ref arena.MapLockFor(premap);
        mapLock.Enter();
        try
        {
            _ns.WriteNoDrain(arena.DataBlockOffset(freeEntry & BttLayout.MapLbaMask), source);

            uint oldEntry = _ns.ReadUInt32(mapOffset);
            if (BttLayout.IsInitial(oldEntry))
                oldEntry = premap | BttLayout.MapNormal;
            if ((oldEntry & BttLayout.MapLbaMask) >= arena.InternalNlba)
                throw Corrupted($"BTT map entry {premap} of arena {arena.Index} (0x{oldEntry:X8}) points past internal_nlba {arena.InternalNlba}");

            UpdateFlog(ref flog, premap, oldEntry, freeEntry);
            try
            {
                _ns.WriteUInt32(mapOffset, freeEntry);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                SetArenaError(arena);
                throw new PmemIOException(PmemErrorCode.Errno, Interop.Errno.EIO,
                    $"updating the BTT map of block {lba} failed; arena {arena.Index} is now in the error state.", _path);
            }
        }
        finally
        {
            mapLock.Exit();
        }
    }

    /// <summary>Marks block <paramref name="lba"/> as zero (reads return zeros). C: <c>btt_set_zero</c>.</summary>
    public void SetZero(uint lane, ulong lba) => SetMapFlag(lane, lba, BttLayout.MapZero);

    /// <summary>Marks block <paramref name="lba"/> as failed (reads throw EIO until rewritten). C: <c>btt_set_error</c>.</summary>
    public void SetError(uint lane, ulong lba) => SetMapFlag(lane, lba, BttLayout.MapError);

    private void SetMapFlag(uint lane, ulong lba, uint flag)
    {
        CheckLane(lane);
        CheckLba(lba);
        if (!_laidOut)
        {
            if (flag == BttLayout.MapZero)
                return; // every block reads as zero already
            EnsureLayout();
        }
        (BttArena arena, uint premap) = Locate(lba);
        if (arena.IsInError)
            throw ArenaError(arena);
        ulong mapOffset = arena.MapEntryOffset(premap);
        ref PaddedSpinLock mapLock = ref arena.MapLockFor(premap);
        mapLock.Enter();
        try
        {
            uint oldEntry = _ns.ReadUInt32(mapOffset);
            if (BttLayout.IsInitial(oldEntry))
                oldEntry = premap | BttLayout.MapNormal;
            if (flag == BttLayout.MapZero && BttLayout.IsZeroOrInitial(oldEntry))
                return;
            _ns.WriteUInt32(mapOffset, (oldEntry & BttLayout.MapLbaMask) | flag);
        }
        finally
        {
            mapLock.Exit();
        }
    }

    /// <summary>
    /// Writes the lane's next flog entry in two durable 8-byte halves: {lba, old_map}, then {new_map, seq}.
    /// The entry becomes current when seq lands. C: <c>flog_update</c>.
    /// </summary>
    /// <remarks>
    /// One fence fewer than PMDK's btt_write: the data block (flushed, not yet drained, by the caller) and the first
    /// half share one fence. Nothing refers to either until seq is durable: the half goes to the lane's non-current
    /// entry (recovery ignores it while its seq is older), and the data block is the lane's free block. Both must be
    /// durable before seq, which the shared fence guarantees; seq's own fence then orders the map update after it.
    /// </remarks>
    private void UpdateFlog(ref FlogRuntime flog, uint lba, uint oldMap, uint newMap)
    {
        uint seq = BttFlog.NextSeq(flog.Current.Seq);
        ulong offset = flog.NextEntryOffset;
        // Each half is one aligned 8-byte store (little-endian: the first field in the low word), then persisted.
        _ns.WriteUInt64NoDrain(offset, lba | ((ulong)oldMap << 32));
        _ns.Drain();
        _ns.WriteUInt64(offset + 8, newMap | ((ulong)seq << 32));
        flog.Next = 1 - flog.Next;
        flog.Current = new BttFlogEntry(lba, oldMap, newMap, seq);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (BttArena Arena, uint Premap) Locate(ulong lba)
    {
        BttArena[] arenas = _arenas;
        if (arenas.Length == 1 && lba < arenas[0].ExternalNlba)
            return (arenas[0], (uint)lba); // pools below 512 GiB: one arena
        return LocateInLaterArena(lba);
    }

    private (BttArena Arena, uint Premap) LocateInLaterArena(ulong lba)
    {
        BttArena[] arenas = _arenas;
        foreach (BttArena arena in arenas)
        {
            if (lba < arena.ExternalNlba)
                return (arena, (uint)lba);
            lba -= arena.ExternalNlba;
        }
        throw new InvalidOperationException("LBA beyond the last arena after the range check.");
    }

    // The checks inline into the hot paths; their throws live in separate methods.
    private void CheckLba(ulong lba)
    {
        if (lba >= NLba)
            ThrowLba(lba);
    }

    private void CheckLane(uint lane)
    {
        if (lane >= NLane)
            ThrowLane(lane);
    }

    private bool CheckBuffer(int length)
    {
        if ((uint)length < LbaSize)
            ThrowBuffer(length);
        return (uint)length > LbaSize;
    }

    private void ThrowLba(ulong lba) =>
        throw new ArgumentOutOfRangeException(nameof(lba), lba, $"block number out of range (the pool has {NLba} blocks).");

    private void ThrowLane(uint lane) =>
        throw new ArgumentOutOfRangeException(nameof(lane), lane, $"lane out of range (nlane {NLane}).");

    private void ThrowBuffer(int length) =>
        throw new ArgumentException($"the buffer has {length} bytes; the block size is {LbaSize}.", "buffer");

    private PmemIOException BlockError(ulong lba) =>
        new(PmemErrorCode.Errno, Interop.Errno.EIO, $"block {lba} is in the error state (EIO); write it to clear the error.", _path);

    private PmemIOException ArenaError(BttArena arena) =>
        new(PmemErrorCode.Errno, Interop.Errno.EIO,
            $"BTT arena {arena.Index} is in the error state (flags 0x{arena.Flags & BttLayout.FlagErrorMask:x}); it is read-only (EIO).", _path);
}
