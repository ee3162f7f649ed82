// Error codes of the PmemException hierarchy, named after PMDK's (PMDK: libpmem2/libpmem2.h PMEM2_E_*).
namespace Pmdk;

/// <summary>
/// The reason of a <see cref="PmemException"/>. Each member corresponds to a PMDK error name,
/// returned by <see cref="PmemErrorCodeExtensions.ToPmdkName"/>.
/// </summary>
public enum PmemErrorCode
{
    /// <summary>An error with no finer classification.</summary>
    Unknown = 0,
    /// <summary>An operating-system call failed; see <see cref="PmemIOException.Errno"/>.</summary>
    Errno,
    /// <summary>C: <c>PMEM2_E_NOSUPP</c>. The operation is not supported here.</summary>
    NotSupported,
    /// <summary>C: <c>PMEM2_E_INVALID_ARG</c>. An argument is invalid.</summary>
    InvalidArgument,
    /// <summary>C: <c>PMEM2_E_INVALID_FLAGS</c>. Unknown or conflicting flag bits.</summary>
    InvalidFlags,
    /// <summary>C: <c>PMEM2_E_INVALID_FILE_HANDLE</c>.</summary>
    InvalidFileHandle,
    /// <summary>C: <c>PMEM2_E_INVALID_FILE_TYPE</c>. Not a regular file nor a Device DAX.</summary>
    InvalidFileType,
    /// <summary>C: <c>PMEM2_E_FILE_NOT_FOUND</c>.</summary>
    FileNotFound,
    /// <summary>C: <c>PMEM2_E_FILE_EXISTS</c>: exclusive creation of an existing file.</summary>
    FileExists,
    /// <summary>C: <c>PMEM2_E_ACCESS_DENIED</c>.</summary>
    AccessDenied,
    /// <summary>C: <c>PMEM2_E_MAP_RANGE</c>. The requested range does not fit the source.</summary>
    MapRange,
    /// <summary>C: <c>PMEM2_E_SOURCE_EMPTY</c>. Mapping length 0 of an empty file.</summary>
    SourceEmpty,
    /// <summary>C: <c>PMEM2_E_GRANULARITY_NOT_SET</c>.</summary>
    GranularityNotSet,
    /// <summary>C: <c>PMEM2_E_GRANULARITY_NOT_SUPPORTED</c>.</summary>
    GranularityNotSupported,
    /// <summary>C: <c>PMEM2_E_OFFSET_OUT_OF_RANGE</c>.</summary>
    OffsetOutOfRange,
    /// <summary>C: <c>PMEM2_E_OFFSET_UNALIGNED</c>.</summary>
    OffsetUnaligned,
    /// <summary>C: <c>PMEM2_E_LENGTH_UNALIGNED</c>.</summary>
    LengthUnaligned,
    /// <summary>C: <c>PMEM2_E_LENGTH_OUT_OF_RANGE</c>.</summary>
    LengthOutOfRange,
    /// <summary>C: <c>PMEM2_E_MAPPING_EXISTS</c>. A reservation range is already occupied.</summary>
    MappingExists,
    /// <summary>C: <c>PMEM2_E_MAPPING_NOT_FOUND</c>.</summary>
    MappingNotFound,
    /// <summary>C: <c>PMEM2_E_NO_BAD_BLOCK_FOUND</c>.</summary>
    NoBadBlockFound,
    /// <summary>C: <c>PMEM2_E_DAX_REGION_NOT_FOUND</c>.</summary>
    DaxRegionNotFound,
    /// <summary>C: <c>PMEM2_E_DEVICE_ID_UNSUPPORTED</c> / <c>PMEM2_E_USC_UNSUPPORTED</c>.</summary>
    UnsafeShutdownUnsupported,
    /// <summary>A pool file is damaged: a checksum, a signature or an on-media offset is invalid.</summary>
    PoolCorrupted,
    /// <summary>A pool file is of another type, version, layout or architecture.</summary>
    PoolIncompatible,
    /// <summary>C: <c>ENOMEM</c> from a pool allocator. The pool has no room left.</summary>
    PoolFull,
    /// <summary>C: <c>EWOULDBLOCK</c> from <c>flock</c>. The pool is open elsewhere.</summary>
    PoolLocked,
    /// <summary>A poolset file is malformed or names parts that cannot be used.</summary>
    PoolSetInvalid,
}

/// <summary>Conversions of <see cref="PmemErrorCode"/>.</summary>
public static class PmemErrorCodeExtensions
{
    /// <summary>The PMDK (C) name of the code, e.g. <c>PMEM2_E_MAP_RANGE</c>.</summary>
    public static string ToPmdkName(this PmemErrorCode code) => code switch
    {
        PmemErrorCode.Errno => "PMEM2_E_ERRNO",
        PmemErrorCode.NotSupported => "PMEM2_E_NOSUPP",
        PmemErrorCode.InvalidArgument => "PMEM2_E_INVALID_ARG",
        PmemErrorCode.InvalidFlags => "PMEM2_E_INVALID_FLAGS",
        PmemErrorCode.InvalidFileHandle => "PMEM2_E_INVALID_FILE_HANDLE",
        PmemErrorCode.InvalidFileType => "PMEM2_E_INVALID_FILE_TYPE",
        PmemErrorCode.FileNotFound => "PMEM2_E_FILE_NOT_FOUND",
        PmemErrorCode.FileExists => "PMEM2_E_FILE_EXISTS",
        PmemErrorCode.AccessDenied => "PMEM2_E_ACCESS_DENIED",
        PmemErrorCode.MapRange => "PMEM2_E_MAP_RANGE",
        PmemErrorCode.SourceEmpty => "PMEM2_E_SOURCE_EMPTY",
        PmemErrorCode.GranularityNotSet => "PMEM2_E_GRANULARITY_NOT_SET",
        PmemErrorCode.GranularityNotSupported => "PMEM2_E_GRANULARITY_NOT_SUPPORTED",
        PmemErrorCode.OffsetOutOfRange => "PMEM2_E_OFFSET_OUT_OF_RANGE",
        PmemErrorCode.OffsetUnaligned => "PMEM2_E_OFFSET_UNALIGNED",
        PmemErrorCode.LengthUnaligned => "PMEM2_E_LENGTH_UNALIGNED",
        PmemErrorCode.LengthOutOfRange => "PMEM2_E_LENGTH_OUT_OF_RANGE",
        PmemErrorCode.MappingExists => "PMEM2_E_MAPPING_EXISTS",
        PmemErrorCode.MappingNotFound => "PMEM2_E_MAPPING_NOT_FOUND",
        PmemErrorCode.NoBadBlockFound => "PMEM2_E_NO_BAD_BLOCK_FOUND",
        PmemErrorCode.DaxRegionNotFound => "PMEM2_E_DAX_REGION_NOT_FOUND",
        PmemErrorCode.UnsafeShutdownUnsupported => "PMEM2_E_USC_UNSUPPORTED",
        PmemErrorCode.PoolCorrupted => "EINVAL (pool corrupted)",
        PmemErrorCode.PoolIncompatible => "EINVAL (pool incompatible)",
        PmemErrorCode.PoolFull => "ENOMEM",
        PmemErrorCode.PoolLocked => "EWOULDBLOCK",
        PmemErrorCode.PoolSetInvalid => "EINVAL (poolset)",
        _ => "PMEM2_E_UNKNOWN",
    };
}
