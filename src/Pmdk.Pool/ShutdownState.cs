// The shutdown-state (SDS) block of the pool header (PMDK: common/shutdown_state.c).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pmdk.Pool;

/// <summary>Reserved bytes of <see cref="ShutdownState"/>.</summary>
[InlineArray(39)]
public struct ShutdownStateReserved
{
    private byte _element0;
}

/// <summary>
/// <c>struct shutdown_state</c> (64 bytes at header offset 4024): lets the library detect a power failure that
/// lost data (an "ADR failure"). On plain files the DIMM values are 0, so the block is all zero after a clean
/// close and <c>dirty = 1</c> (checksum <c>0x0000000C00000001</c>) while open or after a crash.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct ShutdownState
{
    /// <summary>Size of the block on media.</summary>
    public const int Size = 64;

    /// <summary>Offset of <see cref="Checksum"/> inside the block.</summary>
    public const int ChecksumOffset = 56;

    /// <summary>Sum of the unsafe-shutdown counts of the DIMMs under the replica.</summary>
    [FieldOffset(0)] public ulong Usc;

    /// <summary>Sum of checksums of the DIMM unique ids (not a real UUID).</summary>
    [FieldOffset(8)] public ulong Uuid;

    /// <summary>1 while the pool is open.</summary>
    [FieldOffset(16)] public byte Dirty;

    /// <summary>Must be zero.</summary>
    [FieldOffset(17)] public ShutdownStateReserved Reserved;

    /// <summary>Fletcher64 of the block with this field as zero.</summary>
    [FieldOffset(56)] public ulong Checksum;

    /// <summary>Whether every byte is zero.</summary>
    public readonly bool IsZero => !AsBytes(in this).ContainsAnyExcept((byte)0);

    /// <summary>The checksum the block should carry. C: <c>util_checksum</c> over the 64 bytes.</summary>
    public readonly ulong ComputeChecksum() => Fletcher64.Compute(AsBytes(in this), ChecksumOffset);

    /// <summary>Whether <see cref="Checksum"/> is right.</summary>
    public readonly bool ChecksumValid => Checksum == ComputeChecksum();

    /// <summary>Recomputes and stores <see cref="Checksum"/>.</summary>
    public void UpdateChecksum() => Checksum = ComputeChecksum();

    /// <summary>The block of a plain file with the given dirty flag (usc and id sum are 0 off NVDIMMs).</summary>
    public static ShutdownState ForPlainFile(bool dirty)
    {
        var s = new ShutdownState { Dirty = dirty ? (byte)1 : (byte)0 };
        if (dirty)
            s.UpdateChecksum();
        return s;
    }

    private static ReadOnlySpan<byte> AsBytes(in ShutdownState s) =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<ShutdownState>(in s));
}
