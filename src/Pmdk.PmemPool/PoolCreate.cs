// pmempool create: make a pool of a given type (PMDK: tools/pmempool/create.c).
using Pmdk.Log;
using Pmdk.Pool;

namespace Pmdk.PmemPool;

/// <summary>Creates pools by type name, as <c>pmempool create</c> does.</summary>
public static class PoolCreate
{
    /// <summary>
    /// Creates a pool. <paramref name="size"/> 0 means the type's minimum for a new single file, or the set file's
    /// sizes for a PMEMPOOLSET file, or the existing file's size when <paramref name="path"/> exists.
    /// </summary>
    /// <param name="type"><c>log</c> or <c>blk</c>.</param>
    /// <param name="path">Pool file or set file.</param>
    /// <param name="size">Requested size (<c>-s</c>).</param>
    /// <param name="mode">File mode (<c>-m</c>), default 0664.</param>
    /// <param name="blockSize">Block size for blk.</param>
    /// <param name="writeLayout">Write the BTT layout at once (<c>-w</c>, blk only).</param>
    /// <exception cref="PmemException">The type is unknown or unsupported, or creation failed.</exception>
    public static void Create(string type, string path, ulong size, UnixFileMode mode, ulong blockSize = 0, bool writeLayout = false)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var options = new PoolOptions { Mode = mode };
        switch (type)
        {
            case "log":
                if (writeLayout || blockSize != 0)
                    throw new PmemException(PmemErrorCode.InvalidArgument, "a log pool takes no block size and no -w", path);
                ulong logSize = PoolSet.IsPoolSetFile(path) || (size == 0 && File.Exists(path)) ? 0 : (size == 0 ? LogLayout.MinPoolSize : size);
                PmemLog.Create(path, logSize, options).Dispose();
                break;
            case "blk":
                throw new PmemException(PmemErrorCode.NotSupported, "blk not yet supported by this pmempool (pmemblk is being implemented in Pmdk.Blk)", path);
            case "obj":
                throw new PmemException(PmemErrorCode.NotSupported, "obj not yet supported by this pmempool", path);
            default:
                throw new PmemException(PmemErrorCode.InvalidArgument, $"unknown pool type -- '{type}'", path);
        }
    }
}
