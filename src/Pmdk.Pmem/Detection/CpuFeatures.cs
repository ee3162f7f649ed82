// CPUID flags that decide the flush instruction and the copy routines (PMDK: libpmem2/x86_64/cpu.c).
using System.Runtime.Intrinsics.X86;

namespace Pmdk.Pmem.Detection;

/// <summary>The CPU features persistence depends on.</summary>
/// <param name="Clflush">CPUID.1:EDX[19].</param>
/// <param name="ClflushOpt">CPUID.(7,0):EBX[23].</param>
/// <param name="Clwb">CPUID.(7,0):EBX[24].</param>
/// <param name="Sse2">SSE2 non-temporal 16-byte stores.</param>
/// <param name="Avx">AVX (256-bit) non-temporal stores.</param>
/// <param name="Avx512F">AVX-512F (512-bit) non-temporal stores.</param>
public readonly record struct CpuFeatures(bool Clflush, bool ClflushOpt, bool Clwb, bool Sse2, bool Avx, bool Avx512F)
{
    /// <summary>The features of this CPU, read once.</summary>
    public static CpuFeatures Current { get; } = Detect();

    /// <summary>A CPU with nothing (non-x86): only fences and memmove are used.</summary>
    public static CpuFeatures None => default;

    private static CpuFeatures Detect()
    {
        if (!X86Base.IsSupported)
            return None;
        (int _, int _, int _, int edx1) = X86Base.CpuId(1, 0);
        (int maxLeaf, int _, int _, int _) = X86Base.CpuId(0, 0);
        int ebx7 = 0;
        if (maxLeaf >= 7)
            (_, ebx7, _, _) = X86Base.CpuId(7, 0);
        return new CpuFeatures(
            Clflush: (edx1 & (1 << 19)) != 0,
            ClflushOpt: (ebx7 & (1 << 23)) != 0,
            Clwb: (ebx7 & (1 << 24)) != 0,
            Sse2: System.Runtime.Intrinsics.X86.Sse2.IsSupported,
            Avx: System.Runtime.Intrinsics.X86.Avx.IsSupported,
            Avx512F: System.Runtime.Intrinsics.X86.Avx512F.IsSupported);
    }
}
