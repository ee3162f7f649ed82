// The BTT info block, 4096 bytes at both ends of an arena (PMDK: libpmemblk/btt_layout.h struct btt_info).
using System.Buffers.Binary;
using Pmdk.Pool;

namespace Pmdk.Blk.Btt;

/// <summary>A decoded BTT info block (spec §7.6). All offsets are relative to the arena start.</summary>
internal struct BttInfo
{
    public const int SigOffset = 0, UuidOffset = 16, ParentUuidOffset = 32, FlagsOffset = 48, MajorOffset = 52,
        MinorOffset = 54, ExternalLbaSizeOffset = 56, ExternalNlbaOffset = 60, InternalLbaSizeOffset = 64,
        InternalNlbaOffset = 68, NFreeOffset = 72, InfoSizeOffset = 76, NextOffOffset = 80, DataOffOffset = 88,
        MapOffOffset = 96, FlogOffOffset = 104, InfoOffOffset = 112, ChecksumOffset = 4088;

    public Guid Uuid;
    public Guid ParentUuid;
    public uint Flags;
    public ushort Major;
    public ushort Minor;
    public uint ExternalLbaSize;
    public uint ExternalNlba;
    public uint InternalLbaSize;
    public uint InternalNlba;
    public uint NFree;
    public uint InfoSize;
    public ulong NextOff;
    public ulong DataOff;
    public ulong MapOff;
    public ulong FlogOff;
    public ulong InfoOff;

    /// <summary>
    /// Whether <paramref name="block"/> is a valid info block for a BTT whose parent is <paramref name="parentUuid"/>
    /// (PMDK read_info): signature, parent UUID, checksum, major ≠ 0.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> block, ReadOnlySpan<byte> parentUuid, out BttInfo info)
    {
        info = default;
        if (block.Length < BttLayout.InfoSize)
            return false;
        block = block[..BttLayout.InfoSize];
        if (!block[..16].SequenceEqual(BttLayout.Signature))
            return false;
        if (!block.Slice(ParentUuidOffset, 16).SequenceEqual(parentUuid))
            return false;
        if (!Fletcher64.Verify(block, ChecksumOffset))
            return false;
        info = Decode(block);
        return info.Major != 0;
    }

    /// <summary>Decodes the fields without any validation.</summary>
    public static BttInfo Decode(ReadOnlySpan<byte> b) => new()
    {
        Uuid = new Guid(b.Slice(UuidOffset, 16)),
        ParentUuid = new Guid(b.Slice(ParentUuidOffset, 16)),
        Flags = U32(b, FlagsOffset),
        Major = BinaryPrimitives.ReadUInt16LittleEndian(b[MajorOffset..]),
        Minor = BinaryPrimitives.ReadUInt16LittleEndian(b[MinorOffset..]),
        ExternalLbaSize = U32(b, ExternalLbaSizeOffset),
        ExternalNlba = U32(b, ExternalNlbaOffset),
        InternalLbaSize = U32(b, InternalLbaSizeOffset),
        InternalNlba = U32(b, InternalNlbaOffset),
        NFree = U32(b, NFreeOffset),
        InfoSize = U32(b, InfoSizeOffset),
        NextOff = U64(b, NextOffOffset),
        DataOff = U64(b, DataOffOffset),
        MapOff = U64(b, MapOffOffset),
        FlogOff = U64(b, FlogOffOffset),
        InfoOff = U64(b, InfoOffOffset),
    };

    /// <summary>Encodes into a 4096-byte block (unused bytes zero) and stores the checksum.</summary>
    public readonly void Encode(Span<byte> b)
    {
        b = b[..BttLayout.InfoSize];
        b.Clear();
        BttLayout.Signature.CopyTo(b);
        Uuid.TryWriteBytes(b.Slice(UuidOffset, 16));
        ParentUuid.TryWriteBytes(b.Slice(ParentUuidOffset, 16));
        BinaryPrimitives.WriteUInt32LittleEndian(b[FlagsOffset..], Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(b[MajorOffset..], Major);
        BinaryPrimitives.WriteUInt16LittleEndian(b[MinorOffset..], Minor);
        BinaryPrimitives.WriteUInt32LittleEndian(b[ExternalLbaSizeOffset..], ExternalLbaSize);
        BinaryPrimitives.WriteUInt32LittleEndian(b[ExternalNlbaOffset..], ExternalNlba);
        BinaryPrimitives.WriteUInt32LittleEndian(b[InternalLbaSizeOffset..], InternalLbaSize);
        BinaryPrimitives.WriteUInt32LittleEndian(b[InternalNlbaOffset..], InternalNlba);
        BinaryPrimitives.WriteUInt32LittleEndian(b[NFreeOffset..], NFree);
        BinaryPrimitives.WriteUInt32LittleEndian(b[InfoSizeOffset..], InfoSize);
        BinaryPrimitives.WriteUInt64LittleEndian(b[NextOffOffset..], NextOff);
        BinaryPrimitives.WriteUInt64LittleEndian(b[DataOffOffset..], DataOff);
        BinaryPrimitives.WriteUInt64LittleEndian(b[MapOffOffset..], MapOff);
        BinaryPrimitives.WriteUInt64LittleEndian(b[FlogOffOffset..], FlogOff);
        BinaryPrimitives.WriteUInt64LittleEndian(b[InfoOffOffset..], InfoOff);
        Fletcher64.Insert(b, ChecksumOffset);
    }

    private static uint U32(ReadOnlySpan<byte> b, int off) => BinaryPrimitives.ReadUInt32LittleEndian(b[off..]);

    private static ulong U64(ReadOnlySpan<byte> b, int off) => BinaryPrimitives.ReadUInt64LittleEndian(b[off..]);
}
