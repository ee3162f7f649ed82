// CPU-level persistence options; PMDK's PMEM_* environment variables are their defaults.
namespace Pmdk.Pmem;

/// <summary>
/// How persistence uses the CPU: flush instruction, non-temporal threshold and vector width.
/// Every property defaults to what the matching PMDK environment variable says
/// (<see cref="FromEnvironment"/>); set them explicitly in tests instead of changing the environment.
/// </summary>
public sealed class PmemTuning
{
    /// <summary>Tuning from the process environment, read once.</summary>
    public static PmemTuning Default { get; } = FromEnvironment(PmdkEnvironment.Process);

    /// <summary>Do not use CLWB (C: <c>PMEM_NO_CLWB=1</c>).</summary>
    public bool NoClwb { get; init; }

    /// <summary>Do not use CLFLUSHOPT (C: <c>PMEM_NO_CLFLUSHOPT=1</c>).</summary>
    public bool NoClflushOpt { get; init; }

    /// <summary>true skips cache flushes as on eADR, false forces them even on eADR, null detects
    /// (C: <c>PMEM_NO_FLUSH</c>).</summary>
    public bool? NoFlush { get; init; }

    /// <summary>Never use non-temporal stores (C: <c>PMEM_NO_MOVNT=1</c>).</summary>
    public bool NoMovnt { get; init; }

    /// <summary>Copies of at least this many bytes use non-temporal stores (C: <c>PMEM_MOVNT_THRESHOLD</c>, default 256).</summary>
    public ulong MovntThreshold { get; init; } = 256;

    /// <summary>Allow the AVX-512 routines (C: <c>PMEM_AVX512F=0</c> disables).</summary>
    public bool AllowAvx512F { get; init; } = true;

    /// <summary>Allow the AVX routines (C: <c>PMEM_AVX=0</c> disables).</summary>
    public bool AllowAvx { get; init; } = true;

    /// <summary>Reads the PMEM_* variables of an environment.</summary>
    public static PmemTuning FromEnvironment(PmdkEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new PmemTuning
        {
            NoClwb = environment.NoClwb,
            NoClflushOpt = environment.NoClflushOpt,
            NoFlush = environment.NoFlush,
            NoMovnt = environment.NoMovnt,
            MovntThreshold = environment.MovntThreshold ?? 256,
            AllowAvx512F = environment.Avx512F ?? true,
            AllowAvx = environment.Avx ?? true,
        };
    }
}
