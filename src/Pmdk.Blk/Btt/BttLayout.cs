// BTT on-media constants and arena geometry (PMDK: libpmemblk/btt_layout.h, btt.c btt_info_set*).
namespace Pmdk.Blk.Btt;

/// <summary>Constants of the BTT layout and the arithmetic that places an arena's structures.</summary>
internal static class BttLayout
{
    /// <summary>Alignment of every BTT structure.</summary>
    public const ulong Alignment = 4096;

    /// <summary>Size of the info block (and of its backup).</summary>
    public const int InfoSize = 4096;

    /// <summary>Largest arena: 512 GiB.</summary>
    public const ulong MaxArena = 1UL << 39;

    /// <summary>Smallest namespace and smallest arena: 16 MiB.</summary>
    public const ulong MinSize = 1UL << 24;

    /// <summary>Smallest internal block.</summary>
    public const uint MinLbaSize = 512;

    /// <summary>Internal blocks are rounded up to this.</summary>
    public const uint InternalLbaAlignment = 256;

    /// <summary>Free blocks (and flog lanes) per arena.</summary>
    public const uint DefaultNFree = 256;

    /// <summary>Size of one map entry.</summary>
    public const int MapEntrySize = 4;

    /// <summary>Size of one flog entry.</summary>
    public const int FlogEntrySize = 16;

    /// <summary>A flog pair takes this many bytes.</summary>
    public const int FlogPairAlign = 64;

    /// <summary>Map entries sharing a cache line share a lock.</summary>
    public const int MapLockAlign = 64;

    /// <summary>Info block format version written.</summary>
    public const ushort Major = 1, Minor = 1;

    /// <summary>Info flag: the arena is in the error state (read-only).</summary>
    public const uint FlagError = 0x1;

    /// <summary>Mask of the info flags that make an arena refuse writes.</summary>
    public const uint FlagErrorMask = 0x1;

    /// <summary>Map entry: low 30 bits are the post-map block.</summary>
    public const uint MapLbaMask = 0x3FFF_FFFF;

    /// <summary>Map entry state bits: zero.</summary>
    public const uint MapZero = 0x8000_0000;

    /// <summary>Map entry state bits: error.</summary>
    public const uint MapError = 0x4000_0000;

    /// <summary>Map entry state bits: normal (both bits).</summary>
    public const uint MapNormal = 0xC000_0000;

    /// <summary>Map entry state mask.</summary>
    public const uint MapStateMask = 0xC000_0000;

    /// <summary>"BTT_ARENA_INFO\0\0".</summary>
    public static ReadOnlySpan<byte> Signature => "BTT_ARENA_INFO\0\0"u8;

    public static bool IsInitial(uint entry) => (entry & MapStateMask) == 0;

    public static bool IsZero(uint entry) => (entry & MapStateMask) == MapZero;

    public static bool IsError(uint entry) => (entry & MapStateMask) == MapError;

    public static bool IsZeroOrInitial(uint entry) => (entry & MapStateMask) is 0 or MapZero;

    /// <summary>Internal block size for an external one, or 0 on overflow.</summary>
    public static uint InternalLbaSize(uint externalLbaSize)
    {
        ulong size = Math.Max(externalLbaSize, MinLbaSize);
        size = RoundUp(size, InternalLbaAlignment);
        return size > uint.MaxValue ? 0 : (uint)size;
    }

    /// <summary>Bytes of the flog area for <paramref name="nfree"/> lanes.</summary>
    public static ulong FlogSize(uint nfree) => RoundUp((ulong)nfree * FlogPairAlign, Alignment);

    /// <summary>Bytes of the map area for <paramref name="externalNlba"/> entries.</summary>
    public static ulong MapSize(uint externalNlba) => RoundUp((ulong)externalNlba * MapEntrySize, Alignment);

    public static ulong RoundUp(ulong value, ulong alignment) => (value + alignment - 1) / alignment * alignment;

    /// <summary>
    /// Fills the geometry fields of an info block for an arena of <paramref name="arenaSize"/> bytes followed
    /// by <paramref name="spaceLeft"/> more bytes of namespace. Returns false when the arena holds fewer than
    /// 2 × nfree blocks (or the block size overflows).
    /// </summary>
    public static bool TryPlanArena(uint externalLbaSize, uint nfree, ulong arenaSize, ulong spaceLeft, out BttInfo info)
    {
        info = default;
        uint internalLbaSize = InternalLbaSize(externalLbaSize);
        if (internalLbaSize == 0)
            return false;
        ulong arenaData = arenaSize - 2 * (ulong)InfoSize - FlogSize(nfree);
        ulong internalNlba = (arenaData - Alignment) / (internalLbaSize + (ulong)MapEntrySize);
        if (internalNlba < 2UL * nfree || internalNlba > uint.MaxValue)
            return false;
        uint externalNlba = (uint)internalNlba - nfree;
        ulong infoOff = arenaSize - (ulong)InfoSize;
        ulong flogOff = infoOff - FlogSize(nfree);
        info = new BttInfo
        {
            Major = Major,
            Minor = Minor,
            ExternalLbaSize = externalLbaSize,
            ExternalNlba = externalNlba,
            InternalLbaSize = internalLbaSize,
            InternalNlba = (uint)internalNlba,
            NFree = nfree,
            InfoSize = InfoSize,
            NextOff = spaceLeft >= MinSize ? arenaSize : 0,
            DataOff = InfoSize,
            InfoOff = infoOff,
            FlogOff = flogOff,
            MapOff = flogOff - MapSize(externalNlba),
        };
        return true;
    }

    /// <summary>
    /// Plans every arena of a namespace of <paramref name="rawSize"/> bytes (PMDK's write_layout with write = 0).
    /// Returns null when an arena would be too small for the block size.
    /// </summary>
    public static List<BttInfo>? PlanArenas(ulong rawSize, uint externalLbaSize, uint nfree = DefaultNFree)
    {
        var arenas = new List<BttInfo>();
        ulong remaining = rawSize;
        while (remaining >= MinSize)
        {
            ulong arenaSize = Math.Min(remaining, MaxArena);
            remaining -= arenaSize;
            if (!TryPlanArena(externalLbaSize, nfree, arenaSize, remaining, out BttInfo info))
                return null;
            arenas.Add(info);
        }
        return arenas;
    }
}
