// On-media unified log header and entries (PMDK: libpmemobj/ulog.h struct ulog, ulog_entry_val, ulog_entry_buf).
using System.Runtime.InteropServices;

namespace Pmdk.Obj.Ulog;

/// <summary>The operation in the top three bits of an entry's offset word (spec §4.2).</summary>
public enum UlogOperation : ulong
{
    /// <summary>SET: store the value.</summary>
    Set = 0UL << 61,
    /// <summary>AND: and the value in.</summary>
    And = 1UL << 61,
    /// <summary>OR: or the value in.</summary>
    Or = 2UL << 61,
    /// <summary>BUF_SET: memset (PMDK unit tests only).</summary>
    BufSet = 5UL << 61,
    /// <summary>BUF_CPY: memcpy (undo snapshots).</summary>
    BufCpy = 6UL << 61,
}

/// <summary>The 64-byte header of a ulog (spec §4.1).</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct UlogHeader
{
    /// <summary>Size on media (the data follows).</summary>
    public const int Size = 64;

    /// <summary>Redo: checksum of header + used data; undo: 0.</summary>
    [FieldOffset(0)] public ulong Checksum;

    /// <summary>Offset of the next ulog's allocation (its header is at the next 64-byte boundary); 0 = none.</summary>
    [FieldOffset(8)] public ulong Next;

    /// <summary>Bytes of the data area.</summary>
    [FieldOffset(16)] public ulong Capacity;

    /// <summary>Generation number (undo entry validity).</summary>
    [FieldOffset(24)] public ulong GenNum;

    /// <summary>Bit 0: user-owned buffer.</summary>
    [FieldOffset(32)] public ulong Flags;

    /// <summary>Unused words.</summary>
    [FieldOffset(40)] public ulong Unused0;

    /// <summary>Unused words.</summary>
    [FieldOffset(48)] public ulong Unused1;

    /// <summary>Unused words.</summary>
    [FieldOffset(56)] public ulong Unused2;
}

/// <summary>A 16-byte value entry: SET, AND or OR of a u64.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct UlogValueEntry
{
    /// <summary>Size on media.</summary>
    public const int Size = 16;

    /// <summary>Bits 0–60 target offset, bits 61–63 operation.</summary>
    [FieldOffset(0)] public ulong OffsetAndOperation;

    /// <summary>The operand.</summary>
    [FieldOffset(8)] public ulong Value;
}

/// <summary>The 24-byte header of a buffer entry; the data follows, padded to 64 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct UlogBufferEntryHeader
{
    /// <summary>Size on media of the header part.</summary>
    public const int Size = 24;

    /// <summary>Bits 0–60 target offset, bits 61–63 operation.</summary>
    [FieldOffset(0)] public ulong OffsetAndOperation;

    /// <summary>Checksum of the padded entry continued with the head ulog's gen_num.</summary>
    [FieldOffset(8)] public ulong Checksum;

    /// <summary>Bytes of data.</summary>
    [FieldOffset(16)] public ulong DataSize;
}

/// <summary>Helpers over the entry offset word.</summary>
public static class UlogEntry
{
    /// <summary>Mask of the target offset bits.</summary>
    public const ulong OffsetMask = (1UL << 61) - 1;

    /// <summary>Mask of the operation bits.</summary>
    public const ulong OperationMask = ~OffsetMask;

    /// <summary>Whether an operation uses the buffer-entry layout.</summary>
    public static bool IsBuffer(ulong word) => (word & OperationMask) is (ulong)UlogOperation.BufSet or (ulong)UlogOperation.BufCpy;
}
