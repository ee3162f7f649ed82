// The cache-flush instruction in use and the vector width of non-temporal copies.
namespace Pmdk.Pmem.Detection;

/// <summary>Which instruction writes a cache line back.</summary>
public enum FlushInstruction
{
    /// <summary>No flush: caches are persistent (eADR) or flushing was disabled.</summary>
    None,
    /// <summary>CLFLUSH: serialising, evicts the line.</summary>
    Clflush,
    /// <summary>CLFLUSHOPT: weakly ordered, evicts the line.</summary>
    ClflushOpt,
    /// <summary>CLWB: weakly ordered, may keep the line cached.</summary>
    Clwb,
}

/// <summary>Which vector width the non-temporal copy and fill loops use.</summary>
public enum CopyIsa
{
    /// <summary>No vector stores: plain memmove (non-x86).</summary>
    Generic,
    /// <summary>16-byte MOVNTDQ.</summary>
    Sse2,
    /// <summary>32-byte VMOVNTDQ.</summary>
    Avx,
    /// <summary>64-byte VMOVNTDQ (ZMM).</summary>
    Avx512F,
}
