// Flags of the memcpy/memmove/memset-persist family (PMDK: PMEM_F_MEM_* / PMEM2_F_MEM_*).
using Pmdk.Pmem.Persistence;

namespace Pmdk.Pmem;

/// <summary>Flags of <see cref="IPersistence.Copy"/>, <see cref="IPersistence.Move"/> and <see cref="IPersistence.Fill"/>.</summary>
/// <remarks>C: <c>PMEM_F_MEM_*</c>, <c>PMEM2_F_MEM_*</c>; the bit values are the same.</remarks>
[Flags]
public enum PmemFlags : uint
{
    /// <summary>Default: copy, flush and drain.</summary>
    None = 0,
    /// <summary>C: <c>PMEM_F_MEM_NODRAIN</c>. Skip the final drain; the caller drains later.</summary>
    NoDrain = 1 << 0,
    /// <summary>C: <c>PMEM_F_MEM_NONTEMPORAL</c>. Use non-temporal stores whatever the size.</summary>
    NonTemporal = 1 << 1,
    /// <summary>C: <c>PMEM_F_MEM_TEMPORAL</c>. Use regular stores followed by cache flushes.</summary>
    Temporal = 1 << 2,
    /// <summary>C: <c>PMEM_F_MEM_WC</c>. Write-combining (non-temporal) stores.</summary>
    WriteCombining = 1 << 3,
    /// <summary>C: <c>PMEM_F_MEM_WB</c>. Write-back (regular) stores.</summary>
    WriteBack = 1 << 4,
    /// <summary>C: <c>PMEM_F_MEM_NOFLUSH</c>. Do not flush (and therefore do not drain).</summary>
    NoFlush = 1 << 5,
}

/// <summary>Validation of <see cref="PmemFlags"/>.</summary>
public static class PmemFlagsExtensions
{
    /// <summary>Every defined bit.</summary>
    public const PmemFlags ValidMask = (PmemFlags)0x3F;

    /// <summary>Throws a <see cref="PmemException"/> with <see cref="PmemErrorCode.InvalidFlags"/> for unknown bits.</summary>
    public static void Validate(this PmemFlags flags)
    {
        if ((flags & ~ValidMask) != 0)
            ThrowHelper.InvalidFlags((uint)flags, (uint)ValidMask);
    }
}
