// pmempool create: make a pool of a given type (PMDK: tools/pmempool/create.c).
using Pmdk.Blk;
using Pmdk.Log;
using Pmdk.Obj;
using Pmdk.Pool;

namespace Pmdk.PmemPool;

/// <summary>Creates pools by type name, as <c>pmempool create</c> does.</summary>
public static class PoolCreate
{
    /// <summary>
    /// Creates a pool. <paramref name="size"/> 0 means the type's minimum for a new single file, or the set file's
    /// sizes for a PMEMPOOLSET file, or the existing file's size when <paramref name="path"/> exists.
    /// </summary>
    /// <param name="type"><c>log</c>, <c>blk</c> or <c>obj</c>.</param>
    /// <param name="path">Pool file or set file.</param>
    /// <param name="size">Requested size (<c>-s</c>).</param>
    /// <param name="mode">File mode (<c>-m</c>), default 0664.</param>
    /// <param name="blockSize">Block size for blk.</param>
    /// <param name="writeLayout">Write the BTT layout at once (<c>-w</c>, blk only).</param>
    /// <param name="layout">Layout name (<c>-l</c>, obj only).</param>
    /// <exception cref="PmemException">The type is unknown or unsupported, or creation failed.</exception>
    public static void Create(string type, string path, ulong size, UnixFileMode mode, ulong blockSize = 0, bool writeLayout = false,
        string? layout = null)
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
                CreateBlk(path, size, mode, blockSize, writeLayout);
                break;
            case "obj":
                CreateObj(path, size, mode, layout);
                break;
            default:
                throw new PmemException(PmemErrorCode.InvalidArgument, $"unknown pool type -- '{type}'", path);
        }
    }

    /// <summary>Smallest blk pool <c>pmempool create</c> makes by default. C: <c>PMEMBLK_MIN_POOL</c>.</summary>
    public const ulong BlkMinPoolSize = (16UL << 20) + 8192;

    private static bool UsesExistingSize(string path, ulong size) => PoolSet.IsPoolSetFile(path) || (size == 0 && File.Exists(path));

    private static void CreateBlk(string path, ulong size, UnixFileMode mode, ulong blockSize, bool writeLayout)
    {
        if (blockSize == 0)
            throw new PmemException(PmemErrorCode.InvalidArgument, "blk pool requires <bsize> argument", path);
        if (blockSize > int.MaxValue)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"block size {blockSize} is too large", path);
        ulong blkSize = UsesExistingSize(path, size) ? 0 : (size == 0 ? BlkMinPoolSize : size);
        if (blkSize != 0 && blkSize < BlkMinPoolSize)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"size must be >= {BlkMinPoolSize} bytes", path);
        using PmemBlk blk = PmemBlk.Create(path, (int)blockSize, (long)blkSize, new PmemBlkOptions { Mode = mode });
        if (writeLayout)
        {
            // What pmempool create -w does: set_error then set_zero on block 0 (spec §7.10), leaving map[0] = zero.
            blk.SetError(0);
            blk.SetZero(0);
        }
    }

    private static void CreateObj(string path, ulong size, UnixFileMode mode, string? layout)
    {
        if (PoolSet.IsPoolSetFile(path))
            throw new PmemException(PmemErrorCode.NotSupported, "obj pool sets are not supported by this pmempool yet", path);
        ulong objSize = size == 0 && File.Exists(path) ? 0 : (size == 0 ? ObjPool.MinPoolSize : size);
        if (objSize != 0 && objSize < ObjPool.MinPoolSize)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"size must be >= {ObjPool.MinPoolSize} bytes", path);
        ObjPool.Create(path, layout, objSize, new ObjPoolOptions { Mode = mode }).Dispose();
    }

    /// <summary>
    /// The size <c>pmempool create -M</c> uses: the space available to an unprivileged user on the file system that
    /// will hold <paramref name="path"/>, rounded down to 4 KiB.
    /// </summary>
    public static ulong MaxSize(string path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        try
        {
            return (ulong)new DriveInfo(dir).AvailableFreeSpace & ~4095UL;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            throw new PmemException(PmemErrorCode.InvalidArgument, $"cannot get the available space: {e.Message}", path, e);
        }
    }
}
