// The architecture descriptor of the pool header (PMDK: common/pool_hdr.c util_get_arch_flags).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pmdk.Pool;

/// <summary>Four reserved bytes of <see cref="ArchFlags"/>.</summary>
[InlineArray(4)]
public struct ArchReserved
{
    private byte _element0;
}

/// <summary>
/// <c>struct arch_flags</c> (16 bytes at header offset 128): C type alignments, word size, byte order and ELF
/// machine. The library refuses a pool whose flags differ in any field from its own platform's.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct ArchFlags : IEquatable<ArchFlags>
{
    /// <summary>Size of the structure on media.</summary>
    public const int Size = 16;

    /// <summary>Alignment descriptor of LP64 Linux (x86-64, aarch64, riscv64): 4 bits (alignment − 1) per C type.</summary>
    public const ulong Lp64AlignmentDescriptor = 0x0000_07F7_3777_7310;

    /// <summary>ELF machine of x86-64 (<c>EM_X86_64</c>).</summary>
    public const ushort MachineX86_64 = 62;

    /// <summary>ELF machine of aarch64 (<c>EM_AARCH64</c>).</summary>
    public const ushort MachineAArch64 = 183;

    /// <summary>ELF machine of ppc64 (<c>EM_PPC64</c>).</summary>
    public const ushort MachinePpc64 = 21;

    /// <summary>ELF machine of riscv64 (<c>EM_RISCV</c>).</summary>
    public const ushort MachineRiscV = 243;

    /// <summary>Packed alignments of char, short, int, long, long long, size_t, off_t, float, double, long double, void*.</summary>
    [FieldOffset(0)] public ulong AlignmentDescriptor;

    /// <summary>ELF class: 2 for 64-bit.</summary>
    [FieldOffset(8)] public byte MachineClass;

    /// <summary>ELF data encoding: 1 little-endian, 2 big-endian.</summary>
    [FieldOffset(9)] public byte Data;

    /// <summary>Must be zero.</summary>
    [FieldOffset(10)] public ArchReserved Reserved;

    /// <summary>ELF machine number.</summary>
    [FieldOffset(14)] public ushort Machine;

    /// <summary>The flags of the running platform (what a new pool gets and what an opened pool must carry).</summary>
    public static ArchFlags Current { get; } = new()
    {
        AlignmentDescriptor = Lp64AlignmentDescriptor,
        MachineClass = 2,
        Data = BitConverter.IsLittleEndian ? (byte)1 : (byte)2,
        Machine = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => MachineX86_64,
            Architecture.Arm64 => MachineAArch64,
            Architecture.RiscV64 => MachineRiscV,
            Architecture.Ppc64le => MachinePpc64,
            _ => 0,
        },
    };

    /// <summary>Whether the reserved bytes are all zero.</summary>
    public readonly bool ReservedIsZero
    {
        get
        {
            ReadOnlySpan<byte> r = Reserved;
            return !r.ContainsAnyExcept((byte)0);
        }
    }

    /// <summary>Human-readable machine name as <c>pmempool info</c> prints it.</summary>
    public readonly string MachineName => Machine switch
    {
        MachineX86_64 => "AMD X86-64",
        MachineAArch64 => "Aarch64",
        MachinePpc64 => "PowerPC 64",
        MachineRiscV => "RISC-V",
        _ => "unknown",
    };

    /// <inheritdoc/>
    public readonly bool Equals(ArchFlags other) =>
        AlignmentDescriptor == other.AlignmentDescriptor && MachineClass == other.MachineClass && Data == other.Data &&
        Machine == other.Machine && ((ReadOnlySpan<byte>)Reserved).SequenceEqual(other.Reserved);

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is ArchFlags other && Equals(other);

    /// <inheritdoc/>
    public override readonly int GetHashCode() => HashCode.Combine(AlignmentDescriptor, MachineClass, Data, Machine);

    /// <summary>Field-wise equality.</summary>
    public static bool operator ==(ArchFlags left, ArchFlags right) => left.Equals(right);

    /// <summary>Field-wise inequality.</summary>
    public static bool operator !=(ArchFlags left, ArchFlags right) => !left.Equals(right);
}
