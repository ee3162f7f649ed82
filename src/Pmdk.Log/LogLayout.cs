// The pmemlog descriptor after the pool header (PMDK: libpmemlog/log.h struct pmemlog).
namespace Pmdk.Log;

/// <summary>Offsets and constants of the pmemlog layout (spec §6).</summary>
public static class LogLayout
{
    /// <summary>Logical offset of <c>start_offset</c> (u64).</summary>
    public const ulong StartOffsetField = 4096;

    /// <summary>Logical offset of <c>end_offset</c> (u64).</summary>
    public const ulong EndOffsetField = 4104;

    /// <summary>Logical offset of <c>write_offset</c> (u64).</summary>
    public const ulong WriteOffsetField = 4112;

    /// <summary>First byte of the library's run-time area (zero in our pools; never interpreted).</summary>
    public const ulong RuntimeAreaStart = 4120;

    /// <summary>Where log data begins: <c>roundup(sizeof(struct pmemlog), 4096)</c>.</summary>
    public const ulong DataStart = 8192;

    /// <summary>Minimum pool size. C: <c>PMEMLOG_MIN_POOL</c>.</summary>
    public const ulong MinPoolSize = 2UL << 20;

    /// <summary>Minimum part file size. C: <c>PMEMLOG_MIN_PART</c>.</summary>
    public const ulong MinPartSize = 2UL << 20;

    /// <summary>
    /// Validates a descriptor against the replica size (spec §6.3) and returns null or the failure text naming the field.
    /// </summary>
    public static string? Validate(ulong start, ulong end, ulong write, ulong poolSize)
    {
        if (start != DataStart || end != poolSize || start > end)
            return $"wrong start/end offsets: field 'start_offset' = 0x{start:x} (expected 0x{DataStart:x}), field 'end_offset' = 0x{end:x} (expected pool size 0x{poolSize:x})";
        if (write < start || write > end)
            return $"wrong write offset: field 'write_offset' = 0x{write:x} lies outside [0x{start:x}, 0x{end:x}]";
        return null;
    }
}
