// The 64 MiB page-aligned DRAM source of the copy workloads, written before timing (perf-notes §3.1).
using System.Runtime.InteropServices;

namespace Pmdk.PmemBench.Workloads;

/// <summary>Source buffer: byte i holds <c>(byte)(i*31+7)</c>; every page is touched before any timing.</summary>
internal sealed unsafe class DramSource : IDisposable
{
    public const ulong Size = 64UL << 20;

    public DramSource()
    {
        Pointer = (byte*)NativeMemory.AlignedAlloc((nuint)Size, 4096);
        for (ulong i = 0; i < Size; i++)
            Pointer[i] = (byte)(i * 31 + 7);
    }

    /// <summary>Start of the buffer. SAFETY: valid until disposed.</summary>
    public byte* Pointer { get; private set; }

    public void Dispose()
    {
        if (Pointer != null)
            NativeMemory.AlignedFree(Pointer);
        Pointer = null;
    }
}
