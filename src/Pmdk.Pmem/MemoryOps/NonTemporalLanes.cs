// 64-byte non-temporal store lanes per vector width (PMDK: libpmem2/x86_64/memcpy/memcpy_nt_*.c).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Pmdk.Pmem.MemoryOps;

/// <summary>Stores one 64-byte line to a 64-byte aligned destination with non-temporal stores.</summary>
/// <remarks>SAFETY: <c>dst</c> is 64-byte aligned; both ranges are 64 readable/writable bytes.</remarks>
internal unsafe interface INonTemporalLane
{
    static abstract void Copy64(byte* dst, byte* src);
    static abstract void Fill64(byte* dst, Vector512<byte> value);
}

internal readonly unsafe struct Avx512Lane : INonTemporalLane
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy64(byte* dst, byte* src) => Avx512F.StoreAlignedNonTemporal(dst, Vector512.Load(src));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill64(byte* dst, Vector512<byte> value) => Avx512F.StoreAlignedNonTemporal(dst, value);
}

internal readonly unsafe struct AvxLane : INonTemporalLane
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy64(byte* dst, byte* src)
    {
        Vector256<byte> a = Vector256.Load(src);
        Vector256<byte> b = Vector256.Load(src + 32);
        Avx.StoreAlignedNonTemporal(dst, a);
        Avx.StoreAlignedNonTemporal(dst + 32, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill64(byte* dst, Vector512<byte> value)
    {
        Vector256<byte> v = value.GetLower();
        Avx.StoreAlignedNonTemporal(dst, v);
        Avx.StoreAlignedNonTemporal(dst + 32, v);
    }
}

internal readonly unsafe struct Sse2Lane : INonTemporalLane
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy64(byte* dst, byte* src)
    {
        Vector128<byte> a = Vector128.Load(src);
        Vector128<byte> b = Vector128.Load(src + 16);
        Vector128<byte> c = Vector128.Load(src + 32);
        Vector128<byte> d = Vector128.Load(src + 48);
        Sse2.StoreAlignedNonTemporal(dst, a);
        Sse2.StoreAlignedNonTemporal(dst + 16, b);
        Sse2.StoreAlignedNonTemporal(dst + 32, c);
        Sse2.StoreAlignedNonTemporal(dst + 48, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill64(byte* dst, Vector512<byte> value)
    {
        Vector128<byte> v = value.GetLower().GetLower();
        Sse2.StoreAlignedNonTemporal(dst, v);
        Sse2.StoreAlignedNonTemporal(dst + 16, v);
        Sse2.StoreAlignedNonTemporal(dst + 32, v);
        Sse2.StoreAlignedNonTemporal(dst + 48, v);
    }
}
