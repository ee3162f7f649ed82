// Throw sites kept out of hot paths so callers stay small enough to inline.
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Pmdk;

internal static class ThrowHelper
{
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void RangeOutsideMapping(ulong offset, ulong length, ulong size) =>
        throw new ArgumentOutOfRangeException(nameof(offset),
            $"Range [{offset}, {offset}+{length}) lies outside the mapping of {size} bytes.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void InvalidFlags(uint flags, uint valid) =>
        throw new PmemException(PmemErrorCode.InvalidFlags,
            $"Invalid flag bits 0x{flags & ~valid:x} (valid mask 0x{valid:x}).");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void Errno(string? path, string operation) =>
        throw PmemIOException.FromLastError(path, operation);
}
