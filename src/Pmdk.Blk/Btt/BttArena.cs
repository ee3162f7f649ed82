// Run-time state of one arena: offsets, flags, flog lanes, read tracking table, map locks (PMDK: libpmemblk/btt.c struct arena).
namespace Pmdk.Blk.Btt;

/// <summary>The current flog entry of a lane and where its pair lives (one cache line per lane: lanes held by
/// different threads never share a line).</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Size = 64)]
internal struct FlogRuntime
{
    /// <summary>The current (last completed) entry.</summary>
    public BttFlogEntry Current;

    /// <summary>Index (0/1) of the entry the next update overwrites.</summary>
    public int Next;

    /// <summary>Namespace offset of entry 0 of the pair.</summary>
    public ulong PairOffset;

    public readonly ulong NextEntryOffset => PairOffset + (ulong)(Next * BttLayout.FlogEntrySize);
}

/// <summary>One loaded arena. Offsets are absolute namespace offsets.</summary>
internal sealed class BttArena
{
    public BttArena(int index, ulong start, in BttInfo info, uint nfree)
    {
        Index = index;
        StartOffset = start;
        ExternalNlba = info.ExternalNlba;
        InternalNlba = info.InternalNlba;
        InternalLbaSize = info.InternalLbaSize;
        DataOffset = start + info.DataOff;
        MapOffset = start + info.MapOff;
        FlogOffset = start + info.FlogOff;
        InfoBackupOffset = start + info.InfoOff;
        _flags = (int)info.Flags;
        Flogs = new FlogRuntime[nfree];
        _rtt = new uint[nfree * RttStride];
        Array.Fill(_rtt, BttLayout.MapError);
        MapLocks = new PaddedSpinLock[nfree];
    }

    private const int RttStride = 64 / sizeof(uint);
    private readonly uint[] _rtt;
    private int _flags;

    public int Index { get; }
    public ulong StartOffset { get; }
    public ulong DataOffset { get; }
    public ulong MapOffset { get; }
    public ulong FlogOffset { get; }
    public ulong InfoBackupOffset { get; }
    public uint ExternalNlba { get; }
    public uint InternalNlba { get; }
    public uint InternalLbaSize { get; }

    /// <summary>Info flags as known in memory (the error bit may be set here only).</summary>
    public uint Flags => (uint)Volatile.Read(ref _flags);

    public bool IsInError => (Flags & BttLayout.FlagErrorMask) != 0;

    /// <summary>Per-lane flog state; a lane is owned by one caller at a time.</summary>
    public FlogRuntime[] Flogs { get; }

    /// <summary>
    /// Read tracking table slot of a lane: the post-map entry the lane is reading, or <see cref="BttLayout.MapError"/>.
    /// Each slot has its own cache line, so readers on different threads do not write to a shared line (PMDK packs
    /// the slots into one array of 32-bit entries).
    /// </summary>
    public ref uint Rtt(uint lane) => ref _rtt[lane * RttStride];

    /// <summary>Locks of the map, one per 64-byte group of entries modulo nfree.</summary>
    public PaddedSpinLock[] MapLocks { get; }

    /// <summary>Serializes updates of the info block.</summary>
    public object InfoLock { get; } = new();

    public void OrFlags(uint flags) => Interlocked.Or(ref _flags, (int)flags);

    public ulong MapEntryOffset(uint premapLba) => MapOffset + (ulong)premapLba * BttLayout.MapEntrySize;

    public ulong DataBlockOffset(uint postmapLba) => DataOffset + (ulong)postmapLba * InternalLbaSize;

    public ref PaddedSpinLock MapLockFor(uint premapLba) =>
        ref MapLocks[(int)((ulong)premapLba * BttLayout.MapEntrySize / BttLayout.MapLockAlign % (ulong)MapLocks.Length)];
}
