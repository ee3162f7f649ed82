// The harness PRNG: xorshift64* with the perf-notes seeds (perf-notes §3.0 "PRNG").
namespace Pmdk.PmemBench.Workloads;

/// <summary>xorshift64*; thread t is seeded with <c>0x9E3779B97F4A7C15·(t+1)</c>.</summary>
internal struct Xorshift64Star
{
    private ulong _state;

    public Xorshift64Star(int thread) => _state = 0x9E3779B97F4A7C15UL * (ulong)(thread + 1);

    public ulong Next()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }
}
