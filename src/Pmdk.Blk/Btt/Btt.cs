// The Block Translation Table: loading the layout at open, recovery of interrupted writes (PMDK: libpmemblk/btt.c btt_init, read_layout, read_arenas, read_flog_pair).
using Pmdk.Pool;

namespace Pmdk.Blk.Btt;

/// <summary>
/// A BTT over an <see cref="IBttNamespace"/>: an array of <see cref="NLba"/> blocks of <see cref="LbaSize"/> bytes,
/// each written atomically with respect to power failure. Callers pass a lane in [0, <see cref="NLane"/>) that no
/// other caller uses at the same time (PMDK's contract); any number of lanes may run concurrently.
/// </summary>
/// <remarks>C: <c>struct btt</c>, <c>btt_init</c>. The layout is written lazily by the first write or set-error.</remarks>
internal sealed partial class Btt
{
    private readonly IBttNamespace _ns;
    private readonly byte[] _parentUuid;
    private readonly bool _nsIsZeroed;
    private readonly string? _path;
    private readonly object _layoutLock = new();
    private BttArena[] _arenas = [];
    private volatile bool _laidOut;

    private Btt(IBttNamespace ns, uint lbaSize, ReadOnlySpan<byte> parentUuid, bool nsIsZeroed, string? path)
    {
        _ns = ns;
        LbaSize = lbaSize;
        _parentUuid = parentUuid.ToArray();
        _nsIsZeroed = nsIsZeroed;
        _path = path;
    }

    /// <summary>External block size (bytes per block). C: <c>lbasize</c>.</summary>
    public uint LbaSize { get; }

    /// <summary>Number of usable blocks. C: <c>btt_nlba</c>.</summary>
    public ulong NLba { get; private set; }

    /// <summary>Number of lanes. C: <c>btt_nlane</c>.</summary>
    public uint NLane { get; private set; }

    /// <summary>Free blocks per arena (the smallest over all arenas).</summary>
    public uint NFree { get; private set; }

    /// <summary>Number of arenas (planned ones when no layout exists yet).</summary>
    public int NArena { get; private set; }

    /// <summary>Whether the BTT metadata has been written.</summary>
    public bool IsLaidOut => _laidOut;

    internal IReadOnlyList<BttArena> Arenas => _arenas;

    /// <summary>
    /// Loads a BTT: validates every info block and flog pair, then completes writes that were interrupted
    /// after their flog update. Nothing is written unless every check passed.
    /// </summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="lbaSize">The block size the pool was created with.</param>
    /// <param name="parentUuid">16 bytes: the pool's poolset UUID, stored in every info block.</param>
    /// <param name="maxLane">Upper bound of lanes (0 = nfree).</param>
    /// <param name="nsIsZeroed">Whether the namespace is known to be zero (skips zeroing the map at layout).</param>
    /// <param name="path">File named in exceptions.</param>
    /// <exception cref="PmemException">Too small, inconsistent block size, or corrupted metadata.</exception>
    public static Btt Open(IBttNamespace ns, uint lbaSize, ReadOnlySpan<byte> parentUuid, uint maxLane,
        bool nsIsZeroed, string? path)
    {
        ArgumentNullException.ThrowIfNull(ns);
        if (parentUuid.Length != 16)
            throw new ArgumentException("the parent UUID has 16 bytes.", nameof(parentUuid));
        if (lbaSize == 0)
            throw new ArgumentOutOfRangeException(nameof(lbaSize), "the block size must be at least 1.");
        if (ns.Size < BttLayout.MinSize)
            throw new PmemException(PmemErrorCode.InvalidArgument,
                $"the BTT data area ({ns.Size} bytes) is smaller than the minimum of {BttLayout.MinSize} bytes.", path);

        var btt = new Btt(ns, lbaSize, parentUuid, nsIsZeroed, path);
        btt.ReadLayout();
        btt.NLane = maxLane != 0 && btt.NFree > maxLane ? maxLane : btt.NFree;
        return btt;
    }

    private void ReadLayout()
    {
        NFree = BttLayout.DefaultNFree;
        var infos = new List<(ulong Start, BttInfo Info)>();
        ulong remaining = _ns.Size;
        ulong arenaOffset = 0;
        byte[] block = new byte[BttLayout.InfoSize];
        uint smallestNFree = uint.MaxValue;
        ulong totalNlba = 0;
        while (remaining >= BttLayout.MinSize)
        {
            _ns.Read(arenaOffset, block);
            if (!BttInfo.TryRead(block, _parentUuid, out BttInfo info))
            {
                if (infos.Count == 0 && !LooksLikeDamagedLayout(block))
                {
                    PlanLayout();
                    return;
                }
                throw Corrupted($"BTT info block of arena {infos.Count} (namespace offset {arenaOffset}) is invalid: " +
                    $"{DescribeInvalidInfo(block)}; 'pmempool check -r' can restore it from its backup");
            }
            ValidateInfo(info, infos.Count, arenaOffset, remaining);
            infos.Add((arenaOffset, info));
            smallestNFree = Math.Min(smallestNFree, info.NFree);
            totalNlba += info.ExternalNlba;
            if (info.NextOff == 0)
                break;
            arenaOffset += info.NextOff;
            remaining -= info.NextOff;
        }

        NArena = infos.Count;
        NLba = totalNlba;
        NFree = Math.Min(NFree, smallestNFree);
        _arenas = LoadArenas(infos, out List<(ulong Offset, uint Value)> repairs, out List<ulong> flogRepairs);
        byte[] neverUsed = new byte[BttLayout.FlogEntrySize];
        foreach (ulong entryOffset in flogRepairs)
            _ns.Write(entryOffset, neverUsed);
        foreach ((ulong offset, uint value) in repairs)
            _ns.WriteUInt32(offset, value);
        _laidOut = true;
    }

    /// <summary>Computes NArena/NLba for a namespace without a layout (PMDK write_layout with write = 0).</summary>
    private void PlanLayout()
    {
        List<BttInfo>? plan = BttLayout.PlanArenas(_ns.Size, LbaSize, NFree);
        if (plan is null || plan.Count == 0)
            throw new PmemException(PmemErrorCode.InvalidArgument,
                $"block size {LbaSize} leaves fewer than {2 * NFree} blocks per arena in {_ns.Size} bytes.", _path);
        NArena = plan.Count;
        ulong total = 0;
        foreach (BttInfo info in plan)
            total += info.ExternalNlba;
        NLba = total;
    }

    /// <summary>
    /// A first info block that is not valid means "no layout yet" (PMDK), and is reported as damage only when the
    /// backup copy at the end of the first arena is valid. The layout writes the primary before the backup, so a
    /// power failure while the primary is written leaves a torn primary (signature present, checksum wrong) and no
    /// valid backup: that is an interrupted layout, which the next write lays out again (found by the crash tests).
    /// A complete primary (signature and checksum intact) that is refused for another reason (a foreign
    /// parent_uuid, major 0) is damage too: it was fully written, so it is not an interrupted layout.
    /// </summary>
    private bool LooksLikeDamagedLayout(ReadOnlySpan<byte> primary)
    {
        if (primary[..16].SequenceEqual(BttLayout.Signature) && Fletcher64.Verify(primary, BttInfo.ChecksumOffset))
            return true;
        ulong arenaSize = Math.Min(_ns.Size, BttLayout.MaxArena);
        byte[] backup = new byte[BttLayout.InfoSize];
        _ns.Read(arenaSize - BttLayout.InfoSize, backup);
        return BttInfo.TryRead(backup, _parentUuid, out _);
    }

    private string DescribeInvalidInfo(ReadOnlySpan<byte> block)
    {
        if (!block[..16].SequenceEqual(BttLayout.Signature))
            return "field 'sig' is not BTT_ARENA_INFO";
        if (!block.Slice(BttInfo.ParentUuidOffset, 16).SequenceEqual(_parentUuid))
            return "field 'parent_uuid' differs from the pool's poolset_uuid";
        if (!Fletcher64.Verify(block, BttInfo.ChecksumOffset))
            return "field 'checksum' does not match";
        return "field 'major' is 0";
    }

    private void ValidateInfo(in BttInfo info, int index, ulong arenaOffset, ulong remaining)
    {
        string where = $"BTT info of arena {index} (namespace offset {arenaOffset})";
        if (info.ExternalLbaSize != LbaSize)
            throw new PmemException(PmemErrorCode.PoolIncompatible,
                $"{where}: inconsistent lbasize: external_lbasize {info.ExternalLbaSize} differs from the pool's bsize {LbaSize}.", _path);
        if (info.NFree == 0)
            throw Corrupted($"{where}: invalid field 'nfree' (0)");
        if (info.ExternalNlba == 0)
            throw Corrupted($"{where}: invalid field 'external_nlba' (0)");
        if (info.NextOff != 0 && info.NextOff != BttLayout.MaxArena)
            throw Corrupted($"{where}: invalid field 'nextoff' ({info.NextOff}): an arena is 512 GiB or the last one");
        if (info.NextOff > remaining)
            throw Corrupted($"{where}: field 'nextoff' ({info.NextOff}) points past the end of the data area");

        // Bounds PMDK trusts but a corrupted file could break: every structure must lie inside the arena.
        ulong arenaSize = info.NextOff != 0 ? info.NextOff : Math.Min(remaining, BttLayout.MaxArena);
        if (info.InternalLbaSize < info.ExternalLbaSize || info.InternalLbaSize < BttLayout.MinLbaSize)
            throw Corrupted($"{where}: invalid field 'internal_lbasize' ({info.InternalLbaSize})");
        if (info.InternalNlba < (ulong)info.ExternalNlba + info.NFree || info.InternalNlba > BttLayout.MapLbaMask + 1UL)
            throw Corrupted($"{where}: invalid field 'internal_nlba' ({info.InternalNlba})");
        if (info.InfoOff > arenaSize - BttLayout.InfoSize)
            throw Corrupted($"{where}: field 'infooff' ({info.InfoOff}) lies outside the arena");
        if (info.FlogOff > info.InfoOff || info.InfoOff - info.FlogOff < (ulong)Math.Min(info.NFree, BttLayout.DefaultNFree) * BttLayout.FlogPairAlign)
            throw Corrupted($"{where}: field 'flogoff' ({info.FlogOff}) is inconsistent");
        if (info.MapOff > info.FlogOff || info.FlogOff - info.MapOff < (ulong)info.ExternalNlba * BttLayout.MapEntrySize)
            throw Corrupted($"{where}: field 'mapoff' ({info.MapOff}) is inconsistent");
        if (info.DataOff < BttLayout.InfoSize || info.DataOff > info.MapOff ||
            (info.MapOff - info.DataOff) / info.InternalLbaSize < info.InternalNlba)
            throw Corrupted($"{where}: field 'dataoff' ({info.DataOff}) is inconsistent");
    }

    private BttArena[] LoadArenas(List<(ulong Start, BttInfo Info)> infos, out List<(ulong Offset, uint Value)> repairs,
        out List<ulong> flogRepairs)
    {
        var arenas = new BttArena[infos.Count];
        repairs = [];
        flogRepairs = [];
        var pending = new Dictionary<ulong, uint>();
        Span<byte> pair = stackalloc byte[2 * BttLayout.FlogEntrySize];
        for (int a = 0; a < infos.Count; a++)
        {
            var arena = new BttArena(a, infos[a].Start, infos[a].Info, NFree);
            for (uint lane = 0; lane < NFree; lane++)
            {
                ulong pairOffset = arena.FlogOffset + (ulong)lane * BttLayout.FlogPairAlign;
                _ns.Read(pairOffset, pair);
                var e0 = BttFlogEntry.Decode(pair);
                var e1 = BttFlogEntry.Decode(pair[BttLayout.FlogEntrySize..]);
                string where = $"BTT flog of arena {a}, lane {lane} (namespace offset {pairOffset})";
                if (e0.Lba >= arena.ExternalNlba || e1.Lba >= arena.ExternalNlba)
                    throw Corrupted($"{where}: field 'lba' ({Math.Max(e0.Lba, e1.Lba)}) is not below external_nlba {arena.ExternalNlba}");
                int current = BttFlog.CurrentIndex(e0, e1);
                arena.Flogs[lane].PairOffset = pairOffset;
                if (current < 0)
                {
                    // PMDK: the arena turns read-only (in memory only); reads still work.
                    arena.OrFlags(BttLayout.FlagError);
                    continue;
                }
                BttFlogEntry cur = current == 0 ? e0 : e1;
                if ((cur.OldMap & BttLayout.MapLbaMask) >= arena.InternalNlba || (cur.NewMap & BttLayout.MapLbaMask) >= arena.InternalNlba)
                    throw Corrupted($"{where}: fields 'old_map'/'new_map' (0x{cur.OldMap:X8}/0x{cur.NewMap:X8}) point past internal_nlba {arena.InternalNlba}");
                arena.Flogs[lane].Current = cur;
                arena.Flogs[lane].Next = 1 - current;
                BttFlogEntry other = current == 0 ? e1 : e0;
                if (other.Seq == 0 && other != default)
                {
                    // A lane's first write was interrupted after the entry's first half ({lba, old_map}) landed: the
                    // entry is never current (seq 0), but pmempool check reports the pair as invalid until the lane
                    // is written again, which a thread-affine lane may never be. Restore the never-used state.
                    flogRepairs.Add(pairOffset + (ulong)((1 - current) * BttLayout.FlogEntrySize));
                }
                if (cur.OldMap == cur.NewMap)
                    continue;
                ulong mapOffset = arena.MapEntryOffset(cur.Lba);
                if (!pending.TryGetValue(mapOffset, out uint entry))
                    entry = _ns.ReadUInt32(mapOffset);
                if (BttLayout.IsInitial(entry))
                    entry = cur.Lba | BttLayout.MapNormal;
                if (cur.NewMap != entry && cur.OldMap == entry)
                {
                    pending[mapOffset] = cur.NewMap;
                    repairs.Add((mapOffset, cur.NewMap));
                }
            }
            arenas[a] = arena;
        }
        return arenas;
    }

    private PoolCorruptedException Corrupted(string message) => new(message + ".", _path);
}
