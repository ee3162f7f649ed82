// A pinned, pre-touched DRAM buffer shared by both sides of a pool workload (perf-notes §3.0 "Buffers").
namespace Pmdk.PmemBench.Workloads;

/// <summary>A managed array on the pinned heap: spans and memories for ours, a stable pointer for C.</summary>
internal sealed unsafe class PinnedBuffer
{
    public PinnedBuffer(int length, Func<int, byte> fill)
    {
        Array = GC.AllocateUninitializedArray<byte>(length, pinned: true);
        for (int i = 0; i < length; i++)
            Array[i] = fill(i);
        fixed (byte* p = Array)
            Pointer = p; // pinned for its lifetime: the pointer stays valid
    }

    public byte[] Array { get; }

    /// <summary>SAFETY: valid while this object is reachable.</summary>
    public byte* Pointer { get; }

    public int Length => Array.Length;
}
