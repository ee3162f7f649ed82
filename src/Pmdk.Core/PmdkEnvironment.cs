// PMDK's environment variables, read once; they are defaults for option properties, never read on hot paths.
using System.Globalization;

namespace Pmdk;

/// <summary>
/// Typed view of PMDK's environment variables (<c>PMEM_IS_PMEM_FORCE</c>, <c>PMEM_NO_CLWB</c>, …).
/// Options take these as defaults; tests set options instead of the process environment.
/// </summary>
public sealed class PmdkEnvironment
{
    private readonly Func<string, string?> _lookup;

    /// <summary>Creates a view over an arbitrary lookup (tests pass a dictionary).</summary>
    public PmdkEnvironment(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        _lookup = lookup;
    }

    /// <summary>The process environment, read at first use.</summary>
    public static PmdkEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    /// <summary><c>PMEM_IS_PMEM_FORCE</c>: 1 forces is-pmem true, 0 forces false, null leaves detection alone.</summary>
    public bool? IsPmemForce => Bool("PMEM_IS_PMEM_FORCE");

    /// <summary><c>PMEM_NO_CLWB=1</c>: do not use CLWB.</summary>
    public bool NoClwb => Bool("PMEM_NO_CLWB") == true;

    /// <summary><c>PMEM_NO_CLFLUSHOPT=1</c>: do not use CLFLUSHOPT.</summary>
    public bool NoClflushOpt => Bool("PMEM_NO_CLFLUSHOPT") == true;

    /// <summary><c>PMEM_NO_FLUSH</c>: 1 skips cache flushes (as on eADR), 0 forces them even on eADR.</summary>
    public bool? NoFlush => Bool("PMEM_NO_FLUSH");

    /// <summary><c>PMEM_NO_MOVNT=1</c>: never use non-temporal stores.</summary>
    public bool NoMovnt => Bool("PMEM_NO_MOVNT") == true;

    /// <summary><c>PMEM_MOVNT_THRESHOLD</c>: size from which copies use non-temporal stores (default 256).</summary>
    public ulong? MovntThreshold => UInt("PMEM_MOVNT_THRESHOLD");

    /// <summary><c>PMEM_AVX512F=0</c> disables the AVX-512 copy routines.</summary>
    public bool? Avx512F => Bool("PMEM_AVX512F");

    /// <summary><c>PMEM_AVX=0</c> disables the AVX copy routines.</summary>
    public bool? Avx => Bool("PMEM_AVX");

    /// <summary><c>PMEM2_FORCE_GRANULARITY</c>: BYTE, CACHE_LINE (or CL) or PAGE.</summary>
    public string? ForceGranularity => Value("PMEM2_FORCE_GRANULARITY");

    /// <summary>Raw value of any variable, trimmed; null when unset or empty.</summary>
    public string? Value(string name)
    {
        string? v = _lookup(name)?.Trim();
        return string.IsNullOrEmpty(v) ? null : v;
    }

    private bool? Bool(string name) => Value(name) switch
    {
        null => null,
        "0" => false,
        "1" => true,
        var other => int.TryParse(other, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n != 0 : null,
    };

    private ulong? UInt(string name) =>
        ulong.TryParse(Value(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong n) ? n : null;
}
