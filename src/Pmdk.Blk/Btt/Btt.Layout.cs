// Lazy layout at the first write, and the arena error flag (PMDK: libpmemblk/btt.c write_layout, arena_setf).
namespace Pmdk.Blk.Btt;

internal sealed partial class Btt
{
    /// <summary>Writes the layout if there is none yet (first write / set-error). Thread-safe.</summary>
    private void EnsureLayout()
    {
        if (_laidOut)
            return;
        lock (_layoutLock)
        {
            if (!_laidOut)
                WriteLayout();
        }
    }

    /// <summary>
    /// Writes the initial metadata of every arena, in PMDK's order: zero the map (unless the namespace is known to
    /// be zero), both entries of every flog pair, then the info block at the start and its backup at the end.
    /// </summary>
    private void WriteLayout()
    {
        List<BttInfo> plan = BttLayout.PlanArenas(_ns.Size, LbaSize, NFree)
            ?? throw new PmemException(PmemErrorCode.InvalidArgument,
                $"block size {LbaSize} leaves fewer than {2 * NFree} blocks per arena.", _path);
        var uuid = Guid.NewGuid();
        var parent = new Guid(_parentUuid);
        var infos = new List<(ulong Start, BttInfo Info)>(plan.Count);
        Span<byte> entry = stackalloc byte[BttLayout.FlogEntrySize];
        Span<byte> zero = stackalloc byte[BttLayout.FlogEntrySize];
        zero.Clear();
        byte[] block = new byte[BttLayout.InfoSize];
        ulong arenaOffset = 0;
        foreach (BttInfo planned in plan)
        {
            BttInfo info = planned;
            info.Uuid = uuid;
            info.ParentUuid = parent;
            if (!_nsIsZeroed)
                _ns.Zero(arenaOffset + info.MapOff, BttLayout.MapSize(info.ExternalNlba)); // PMDK 1.12.1 forgets arenaOffset here.

            ulong flogEntryOffset = arenaOffset + info.FlogOff;
            for (uint i = 0; i < NFree; i++)
            {
                uint free = (info.ExternalNlba + i) | BttLayout.MapZero;
                new BttFlogEntry(i, free, free, 1).Encode(entry);
                _ns.Write(flogEntryOffset, entry);
                _ns.Write(flogEntryOffset + BttLayout.FlogEntrySize, zero);
                flogEntryOffset += BttLayout.FlogPairAlign;
            }

            info.Encode(block);
            _ns.Write(arenaOffset, block);
            _ns.Write(arenaOffset + info.InfoOff, block);
            infos.Add((arenaOffset, info));
            arenaOffset += info.NextOff;
        }

        _arenas = LoadArenas(infos, out List<(ulong Offset, uint Value)> repairs, out List<ulong> flogRepairs);
        System.Diagnostics.Debug.Assert(repairs.Count == 0 && flogRepairs.Count == 0, "a fresh layout needs no recovery");
        NArena = infos.Count;
        _laidOut = true;
    }

    /// <summary>
    /// Sets the error flag of an arena, in memory and (with a layout) in both info blocks on the media.
    /// C: <c>set_arena_error</c>.
    /// </summary>
    private void SetArenaError(BttArena arena)
    {
        arena.OrFlags(BttLayout.FlagError);
        if (!_laidOut)
            return;
        lock (arena.InfoLock)
        {
            byte[] block = new byte[BttLayout.InfoSize];
            _ns.Read(arena.StartOffset, block);
            BttInfo info = BttInfo.Decode(block);
            info.Flags |= BttLayout.FlagError;
            info.Encode(block);
            _ns.Write(arena.StartOffset, block);
            _ns.Write(arena.InfoBackupOffset, block);
        }
    }
}
