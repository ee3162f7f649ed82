// pmempool check steps for blk pools: descriptor, BTT info headers, BTT map and flog (PMDK: libpmempool/check_blk.c, check_btt_info.c, check_btt_map_flog.c).
using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using Pmdk.Blk.Btt;
using Pmdk.Pool;

namespace Pmdk.PmemPool;

/// <summary>The blk steps of <see cref="PoolCheck.Run"/>, with libpmempool's messages.</summary>
internal static class BlkCheck
{
    private const ulong BsizeOffset = 4096;

    public static CheckStatus Run(PoolFiles files, CheckOptions options, bool write, List<CheckMessage> msgs, ref bool repaired)
    {
        ulong size = files.ReplicaSize & ~4095UL;
        byte[] block = new byte[BttLayout.InfoSize];
        Span<byte> parent = stackalloc byte[16];
        files.ReadHeader(0).PoolsetUuid.TryWriteBytes(parent);

        // Step 7: the pmemblk descriptor.
        msgs.Add(Info("checking pmemblk header"));
        uint bsize = BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(files, BsizeOffset, 4));
        BttInfo? any = FirstValidInfo(files, size, block);
        if (any is { } valid && valid.ExternalLbaSize != bsize)
        {
            if (!options.Repair)
            {
                // PMDK quirk kept: reported, but the pool stays consistent.
                msgs.Add(Info("pmemblk header correct"));
                msgs.Add(Error("invalid pmemblk.bsize"));
            }
            else
            {
                msgs.Add(Error("invalid pmemblk.bsize"));
                msgs.Add(Info($"setting pmemblk.b_size to 0x{valid.ExternalLbaSize:x}"));
                if (write)
                    files.Write(BsizeOffset, BitConverter.GetBytes(valid.ExternalLbaSize));
                repaired = true;
            }
        }
        else if (any is null && bsize == 0 && !IsZero(files, PoolInfo.BlkBttOffset, block))
        {
            msgs.Add(Error("invalid pmemblk.bsize"));
            return options.Repair ? CheckStatus.CannotRepair : CheckStatus.NotConsistent;
        }
        else
        {
            msgs.Add(Info("pmemblk header correct"));
        }

        // Step 8: BTT info headers of every arena.
        msgs.Add(Info("checking BTT Info headers"));
        files.Read(PoolInfo.BlkBttOffset, block);
        if (block.AsSpan().IndexOfAnyExcept((byte)0) < 0)
        {
            msgs.Add(Info("BTT Layout not written"));
            return CheckStatus.Consistent;
        }
        var arenas = new List<(ulong Offset, BttInfo Info)>();
        byte[] backup = new byte[BttLayout.InfoSize];
        for (ulong off = PoolInfo.BlkBttOffset; ;)
        {
            int a = arenas.Count;
            files.Read(off, block);
            ulong backupOff = Math.Min(off + BttLayout.MaxArena, size) - BttLayout.InfoSize;
            files.Read(backupOff, backup);
            bool primaryOk = IsValidInfo(block);
            bool backupOk = IsValidInfo(backup);
            if (primaryOk)
            {
                msgs.Add(Info($"arena {a}: BTT Info header checksum correct"));
                if (!backupOk)
                {
                    msgs.Add(Error($"arena {a}: BTT Info backup checksum incorrect"));
                    if (!options.Repair)
                        return CheckStatus.NotConsistent;
                    msgs.Add(Info($"arena {a}: restoring BTT Info backup from header"));
                    if (write)
                        files.Write(backupOff, block);
                    repaired = true;
                }
            }
            else
            {
                msgs.Add(Error($"arena {a}: BTT Info header checksum incorrect"));
                if (!options.Repair)
                    return CheckStatus.NotConsistent;
                if (!backupOk)
                    return CheckStatus.CannotRepair;
                msgs.Add(Info($"arena {a}: restoring BTT Info header from backup"));
                backup.CopyTo(block, 0);
                if (write)
                    files.Write(off, block);
                repaired = true;
            }
            BttInfo info = BttInfo.Decode(block);
            arenas.Add((off, info));
            if (info.NextOff == 0)
                break;
            if (info.NextOff % BttLayout.Alignment != 0 || off + info.NextOff + BttLayout.MinSize > size)
            {
                msgs.Add(Error($"arena {a}: invalid BTT Info next arena offset 0x{info.NextOff:x}"));
                return options.Repair ? CheckStatus.CannotRepair : CheckStatus.NotConsistent;
            }
            off += info.NextOff;
        }

        // Step 9: map and flog of every arena.
        msgs.Add(Info("checking BTT Map and Flog"));
        bool bad = false;
        for (int a = 0; a < arenas.Count; a++)
            bad |= !CheckMapAndFlog(files, a, arenas[a].Offset, arenas[a].Info, size, msgs);
        if (!bad)
            return CheckStatus.Consistent;
        if (!options.Repair)
            return CheckStatus.NotConsistent;
        msgs.Add(Info("the following error can be fixed using PMEMPOOL_CHECK_ADVANCED flag"));
        msgs.Add(Error("BTT Map and / or BTT Flog contain invalid entries"));
        return CheckStatus.CannotRepair;
    }

    /// <summary>PMDK's map/flog rules (spec §9.2 step 9). Returns false when the arena is inconsistent.</summary>
    private static bool CheckMapAndFlog(PoolFiles files, int a, ulong arenaOff, BttInfo info, ulong poolSize, List<CheckMessage> msgs)
    {
        string prefix = string.Create(CultureInfo.InvariantCulture, $"arena {a}: ");
        msgs.Add(Info(prefix + "checking BTT Map and Flog"));
        if (info.InternalNlba == 0 || info.ExternalNlba > info.InternalNlba || arenaOff + info.MapOff + (ulong)info.ExternalNlba * 4 > poolSize
            || arenaOff + info.FlogOff + (ulong)info.NFree * BttLayout.FlogPairAlign > poolSize || info.InternalNlba > int.MaxValue)
        {
            msgs.Add(Error(prefix + "invalid BTT Info geometry (map or flog outside the pool)"));
            return false;
        }
        var used = new BitArray((int)info.InternalNlba);
        int invalidMap = 0, invalidFlog = 0;
        byte[] chunk = new byte[64 * 1024];
        for (uint i = 0; i < info.ExternalNlba;)
        {
            int count = (int)Math.Min((uint)(chunk.Length / 4), info.ExternalNlba - i);
            files.Read(arenaOff + info.MapOff + (ulong)i * 4, chunk.AsSpan(0, count * 4));
            for (int k = 0; k < count; k++, i++)
            {
                uint entry = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(k * 4));
                uint post = BttLayout.IsInitial(entry) ? i : entry & BttLayout.MapLbaMask;
                if (post >= info.InternalNlba)
                {
                    msgs.Add(Info(prefix + $"invalid BTT Map entry at {i}"));
                    invalidMap++;
                }
                else if (used[(int)post])
                {
                    msgs.Add(Info(prefix + $"BTT Map entry {post} duplicated at {i}"));
                    invalidMap++;
                }
                else
                {
                    used[(int)post] = true;
                }
            }
        }

        byte[] pair = new byte[BttLayout.FlogPairAlign];
        for (uint lane = 0; lane < info.NFree; lane++)
        {
            files.Read(arenaOff + info.FlogOff + lane * (ulong)BttLayout.FlogPairAlign, pair);
            BttFlogEntry e0 = BttFlogEntry.Decode(pair), e1 = BttFlogEntry.Decode(pair.AsSpan(BttLayout.FlogEntrySize));
            int current = BttFlog.CurrentIndex(e0, e1);
            bool ok = current >= 0;
            if (ok)
            {
                BttFlogEntry e = current == 0 ? e0 : e1;
                uint oldPost = e.OldMap & BttLayout.MapLbaMask, newPost = e.NewMap & BttLayout.MapLbaMask;
                ok = e.Lba < info.ExternalNlba && oldPost < info.InternalNlba && newPost < info.InternalNlba;
                if (ok && !used[(int)oldPost])
                {
                    bool initial = current == 0 && e0.Seq == 1 && IsZero(pair.AsSpan(BttLayout.FlogEntrySize, BttLayout.FlogEntrySize));
                    ok = e.OldMap != e.NewMap || initial;
                    if (ok)
                        used[(int)oldPost] = true;
                }
                else if (ok)
                {
                    // The free block is still mapped: an interrupted write the next open completes, unless its new block is taken too.
                    ok = !used[(int)newPost];
                    if (ok)
                        used[(int)newPost] = true;
                }
            }
            if (!ok)
            {
                msgs.Add(Info(prefix + $"invalid BTT Flog entry at {lane}"));
                invalidFlog++;
            }
        }

        int unmapped = 0;
        for (int b = 0; b < used.Length; b++)
        {
            if (!used[b])
            {
                msgs.Add(Info(prefix + $"unmapped block {b}"));
                unmapped++;
            }
        }
        if (unmapped > 0)
            msgs.Add(Info(prefix + $"number of unmapped blocks: {unmapped}"));
        if (invalidMap > 0)
            msgs.Add(Info(prefix + $"number of invalid BTT Map entries: {invalidMap}"));
        if (invalidFlog > 0)
            msgs.Add(Info(prefix + $"number of invalid BTT Flog entries: {invalidFlog}"));
        return unmapped == 0 && invalidMap == 0 && invalidFlog == 0;
    }

    /// <summary>Signature and checksum (the parent UUID is not compared by pmempool check).</summary>
    private static bool IsValidInfo(ReadOnlySpan<byte> block) =>
        block[..16].SequenceEqual(BttLayout.Signature) && Fletcher64.Verify(block[..BttLayout.InfoSize], BttInfo.ChecksumOffset);

    private static BttInfo? FirstValidInfo(PoolFiles files, ulong size, byte[] block)
    {
        files.Read(PoolInfo.BlkBttOffset, block);
        if (IsValidInfo(block))
            return BttInfo.Decode(block);
        files.Read(Math.Min(PoolInfo.BlkBttOffset + BttLayout.MaxArena, size) - BttLayout.InfoSize, block);
        return IsValidInfo(block) ? BttInfo.Decode(block) : null;
    }

    private static byte[] ReadBytes(PoolFiles files, ulong off, int n)
    {
        byte[] b = new byte[n];
        files.Read(off, b);
        return b;
    }

    private static bool IsZero(PoolFiles files, ulong off, byte[] scratch)
    {
        files.Read(off, scratch);
        return IsZero(scratch);
    }

    private static bool IsZero(ReadOnlySpan<byte> b) => b.IndexOfAnyExcept((byte)0) < 0;

    private static CheckMessage Info(string text) => new(false, text);

    private static CheckMessage Error(string text) => new(true, text);
}
