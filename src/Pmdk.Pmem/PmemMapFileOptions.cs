// Flags and settings of Pmem.MapFile (PMDK: PMEM_FILE_* of pmem_map_file).
using Pmdk.Pmem.Persistence;

namespace Pmdk.Pmem;

/// <summary>Flags of <see cref="Pmem.MapFile(string, ulong, PmemMapFileOptions, UnixFileMode)"/>. C: <c>PMEM_FILE_*</c>.</summary>
[Flags]
public enum PmemMapFileOptions
{
    /// <summary>Map an existing file whole (length must be 0).</summary>
    None = 0,
    /// <summary>C: <c>PMEM_FILE_CREATE</c>. Create the file if missing and size it to the length.</summary>
    Create = 1 << 0,
    /// <summary>C: <c>PMEM_FILE_EXCL</c>. With Create: fail if the file exists.</summary>
    Exclusive = 1 << 1,
    /// <summary>C: <c>PMEM_FILE_SPARSE</c>. Size with ftruncate only; do not allocate blocks.</summary>
    Sparse = 1 << 2,
    /// <summary>C: <c>PMEM_FILE_TMPFILE</c>. The path is a directory; create an unnamed temporary file in it.</summary>
    TempFile = 1 << 3,
}

/// <summary>Less common settings of <see cref="Pmem.MapFile(string, ulong, PmemMapFileOptions, PmemMapSettings)"/>.</summary>
public sealed class PmemMapSettings
{
    /// <summary>Mode of a created file (default 0666 before umask, like PMDK's callers).</summary>
    public UnixFileMode Mode { get; init; } = (UnixFileMode)0b110_110_110;

    /// <summary>Overrides pmem detection (default: <c>PMEM_IS_PMEM_FORCE</c>).</summary>
    public bool? IsPmemForce { get; init; } = PmdkEnvironment.Process.IsPmemForce;

    /// <summary>CPU persistence tuning (default: the PMEM_* environment).</summary>
    public PmemTuning Tuning { get; init; } = PmemTuning.Default;

    /// <summary>Replaces the native persistence (e.g. a power-failure simulator).</summary>
    public IPersistenceProvider? PersistenceProvider { get; init; }
}
