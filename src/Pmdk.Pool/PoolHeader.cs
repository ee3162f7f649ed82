// The 4 KiB pool header every part starts with (PMDK: common/pool_hdr.h struct pool_hdr, common/pool_hdr.c).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Pmdk.Pool;

/// <summary>The 8-byte signature field of <see cref="PoolHeader"/>.</summary>
[InlineArray(8)]
public struct PoolSignatureBytes
{
    private byte _element0;
}

/// <summary>Bytes 144..2047 of <see cref="PoolHeader"/> (zero, covered by the checksum).</summary>
[InlineArray(1904)]
public struct PoolHeaderUnused
{
    private byte _element0;
}

/// <summary>Bytes 2048..4023 of <see cref="PoolHeader"/> (zero, outside the CKSUM_2K checksum).</summary>
[InlineArray(1976)]
public struct PoolHeaderUnused2
{
    private byte _element0;
}

/// <summary>
/// <c>struct pool_hdr</c>: the 4096-byte header at offset 0 of part 0 (and of every part unless SINGLEHDR).
/// Field offsets follow spec §3.1; everything is little-endian. UUIDs are stored in the byte layout of
/// <see cref="Guid"/> (RFC 4122 fields in host order), so <see cref="Guid.ToString()"/> prints what
/// <c>pmempool info</c> prints.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public partial struct PoolHeader
{
    /// <summary>Size of the header on media.</summary>
    public const int Size = 4096;

    /// <summary>Offset of <see cref="Checksum"/>.</summary>
    public const int ChecksumOffset = 4088;

    /// <summary>Offset of <see cref="Sds"/>.</summary>
    public const int SdsOffset = 4024;

    /// <summary>End of the range the CKSUM_2K checksum covers.</summary>
    public const int Checksum2KEnd = 2048;

    /// <summary>Pool type signature, e.g. <c>PMEMLOG\0</c>.</summary>
    [FieldOffset(0)] public PoolSignatureBytes Signature;

    /// <summary>Format major version.</summary>
    [FieldOffset(8)] public uint Major;

    /// <summary>"May" features.</summary>
    [FieldOffset(12)] public CompatFeatures Compat;

    /// <summary>"Must support" features.</summary>
    [FieldOffset(16)] public IncompatFeatures Incompat;

    /// <summary>"Force read-only if unknown" features (none defined).</summary>
    [FieldOffset(20)] public uint RoCompat;

    /// <summary>UUID shared by every header of the pool set.</summary>
    [FieldOffset(24)] public Guid PoolsetUuid;

    /// <summary>UUID of this part.</summary>
    [FieldOffset(40)] public Guid Uuid;

    /// <summary>UUID of the previous header-bearing part of the replica (wraps around).</summary>
    [FieldOffset(56)] public Guid PrevPartUuid;

    /// <summary>UUID of the next header-bearing part of the replica (wraps around).</summary>
    [FieldOffset(72)] public Guid NextPartUuid;

    /// <summary>UUID of part 0 of the previous replica.</summary>
    [FieldOffset(88)] public Guid PrevReplicaUuid;

    /// <summary>UUID of part 0 of the next replica.</summary>
    [FieldOffset(104)] public Guid NextReplicaUuid;

    /// <summary>Creation time: the part file's ctime, seconds since the epoch.</summary>
    [FieldOffset(120)] public ulong CreationTime;

    /// <summary>Platform descriptor; must match the opener's exactly.</summary>
    [FieldOffset(128)] public ArchFlags Arch;

    /// <summary>Zero, covered by the checksum.</summary>
    [FieldOffset(144)] public PoolHeaderUnused Unused;

    /// <summary>Zero, outside the CKSUM_2K checksum.</summary>
    [FieldOffset(2048)] public PoolHeaderUnused2 Unused2;

    /// <summary>The shutdown state (live in part 0 only).</summary>
    [FieldOffset(4024)] public ShutdownState Sds;

    /// <summary>Fletcher64 of the header (§2), CKSUM_2K or 4K variant depending on <see cref="Incompat"/>.</summary>
    [FieldOffset(4088)] public ulong Checksum;

    /// <summary>Reads a header from the first 4096 bytes of <paramref name="source"/>.</summary>
    public static PoolHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
            throw new ArgumentException($"a pool header needs {Size} bytes, got {source.Length}.", nameof(source));
        return MemoryMarshal.Read<PoolHeader>(source);
    }

    /// <summary>Writes the header into the first 4096 bytes of <paramref name="destination"/>.</summary>
    public readonly void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
            throw new ArgumentException($"a pool header needs {Size} bytes, got {destination.Length}.", nameof(destination));
        MemoryMarshal.Write(destination, in this);
    }

    /// <summary>The header as bytes (a view of this struct).</summary>
    public static ReadOnlySpan<byte> AsBytes(in PoolHeader header) =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<PoolHeader>(in header));

    /// <summary>Whether the 4096 bytes are all zero (an "empty pool hdr").</summary>
    public static bool IsZero(ReadOnlySpan<byte> header) => !header[..Size].ContainsAnyExcept((byte)0);

    /// <summary>The kind named by the signature, or null when it is not a known one.</summary>
    public readonly PoolKind? Kind => PoolKind.FromSignature(Signature);

    /// <summary>The signature as text (up to the first NUL; non-printable bytes escaped).</summary>
    public readonly string SignatureText
    {
        get
        {
            ReadOnlySpan<byte> s = Signature;
            int n = s.IndexOf((byte)0);
            var sb = new StringBuilder();
            foreach (byte b in n < 0 ? s : s[..n])
                sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '?');
            return sb.ToString();
        }
    }

    /// <summary>Sets the signature field to <paramref name="kind"/>'s signature and NUL.</summary>
    public void SetSignature(PoolKind kind)
    {
        Span<byte> s = Signature;
        s.Clear();
        for (int i = 0; i < 7; i++)
            s[i] = (byte)kind.Signature[i];
    }

    /// <summary>The checksum this header should carry (§2). C: <c>util_checksum</c> with <c>POOL_HDR_CSUM_END_OFF</c>.</summary>
    public readonly ulong ComputeChecksum() =>
        Fletcher64.Compute(AsBytes(in this), ChecksumOffset,
            (Incompat & IncompatFeatures.Checksum2K) != 0 ? Checksum2KEnd : ChecksumOffset);

    /// <summary>Whether <see cref="Checksum"/> is right.</summary>
    public readonly bool ChecksumValid => Checksum == ComputeChecksum();

    /// <summary>Recomputes and stores <see cref="Checksum"/>.</summary>
    public void UpdateChecksum() => Checksum = ComputeChecksum();

    /// <summary>The creation time as a date.</summary>
    public readonly DateTimeOffset CreationTimeValue =>
        DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(CreationTime, (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
}
