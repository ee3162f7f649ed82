// Shared state and range checks of the native persistence implementations (PMDK: libpmem2/persist.c).
using System.Runtime.CompilerServices;
using Pmdk.Pmem.Detection;

namespace Pmdk.Pmem.Persistence;

/// <summary>
/// Base of the native persistence implementations: the mapping's address, length and CPU profile, and the range
/// check every operation starts with. The implementations are sealed and complete on their own, so a call through
/// <see cref="IPersistence"/> is one interface dispatch followed by direct, inlinable calls.
/// </summary>
/// <remarks>SAFETY: <c>baseAddress</c> stays mapped for <c>length</c> bytes while this object is used.</remarks>
internal abstract unsafe class MappedPersistence
{
    protected readonly byte* BaseAddress;
    protected readonly ulong Length;
    protected readonly PersistenceProfile Profile;
    protected readonly string? Path;

    protected MappedPersistence(byte* baseAddress, ulong length, PersistenceProfile profile, string? path)
    {
        BaseAddress = baseAddress;
        Length = length;
        Profile = profile;
        Path = path;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected void CheckRange(ulong offset, ulong length)
    {
        if (offset > Length || length > Length - offset)
            ThrowHelper.RangeOutsideMapping(offset, length, Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static void CheckFlags(PmemFlags flags)
    {
        if ((flags & ~PmemFlagsExtensions.ValidMask) != 0)
            ThrowHelper.InvalidFlags((uint)flags, (uint)PmemFlagsExtensions.ValidMask);
    }

    /// <summary>Whether a copy with these flags ends with a drain (pmem2 memcpy_fn semantics).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static bool Drains(PmemFlags flags) => (flags & (PmemFlags.NoDrain | PmemFlags.NoFlush)) == 0;
}
