// Creating, opening and checking block pools (PMDK: libpmemblk/blk.c pmemblk_create, pmemblk_open, pmemblk_check, pmemblk_runtime_init).
using System.Buffers.Binary;
using Pmdk.Blk.Btt;
using Pmdk.Pool;

namespace Pmdk.Blk;

public sealed partial class PmemBlk
{
    /// <summary>
    /// Creates a block pool. C: <c>pmemblk_create</c>.
    /// </summary>
    /// <param name="path">The pool file, or a PMEMPOOLSET file naming the parts.</param>
    /// <param name="blockSize">Block size in bytes (≥ 1; stored as given, rounded up internally to a multiple of 256, at least 512).</param>
    /// <param name="size">File size: &gt; 0 creates a new file of exactly that size (at least 16 MiB + 8 KiB);
    /// 0 uses an existing file whose first 4 KiB are zero, or the sizes of a pool set file.</param>
    /// <param name="options">Options (null: defaults).</param>
    /// <exception cref="PmemException">The file exists, is too small, or the block size leaves too few blocks.</exception>
    public static PmemBlk Create(string path, int blockSize, long size, PmemBlkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        options ??= PmemBlkOptions.Default;
        PoolReplica replica = PoolReplica.Create(path, (ulong)size, PoolKind.Blk, options.ToPoolOptions());
        try
        {
            bool isZeroed = replica.CreatedZeroed;
            Span<byte> descriptor = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor, (uint)blockSize);
            replica.Memory.Persistence.Copy(BlkDescriptor.BsizeOffset, descriptor);
            BinaryPrimitives.WriteInt32LittleEndian(descriptor, isZeroed ? 1 : 0);
            replica.Memory.Persistence.Copy(BlkDescriptor.IsZeroedOffset, descriptor);
            // Run-time fields addr = 0, data = 8192: Debian's `pmempool info` computes the BTT offset as data − addr
            // and refuses a pool where it is not positive ("wrong BTT layout offset").
            Span<byte> runtime = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(runtime, BlkDescriptor.DataOffset);
            replica.Memory.Persistence.Copy(BlkDescriptor.RuntimeDataOffset, runtime);
            return new PmemBlk(replica, OpenBtt(replica, (uint)blockSize, isZeroed, options), options.LaneSelection);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            bool delete = replica.CreatedZeroed; // every part was made by this call (PMDK: DELETE_CREATED_PARTS)
            IReadOnlyList<string> parts = replica.PartPaths;
            replica.Dispose();
            if (delete)
            {
                foreach (string part in parts)
                    File.Delete(part);
            }
            throw;
        }
    }

    /// <summary>Opens a block pool. C: <c>pmemblk_open</c>.</summary>
    /// <param name="path">The pool file or pool set file.</param>
    /// <param name="blockSize">Expected block size, or 0 to accept the stored one.</param>
    /// <param name="options">Options (null: defaults).</param>
    /// <exception cref="PmemException">Not a pmemblk pool, a different block size ("wrong bsize"), a damaged header or
    /// BTT, or the pool is open elsewhere. The file is left untouched.</exception>
    public static PmemBlk Open(string path, int blockSize = 0, PmemBlkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(blockSize);
        options ??= PmemBlkOptions.Default;
        Btt.Btt? btt = null;
        // Descriptor and BTT are validated (and interrupted writes completed) before the shutdown state is touched.
        PoolReplica replica = PoolReplica.Open(path, PoolKind.Blk, options.ToPoolOptions(), r =>
        {
            (uint bsize, bool isZeroed) = ReadDescriptor(r, blockSize);
            btt = OpenBtt(r, bsize, isZeroed, options);
        });
        return new PmemBlk(replica, btt!, options.LaneSelection);
    }

    /// <summary>Opens the pool if the file exists, otherwise creates it.</summary>
    /// <param name="path">The pool file.</param>
    /// <param name="blockSize">Block size for a new pool; for an existing one, 0 or the stored size.</param>
    /// <param name="size">File size of a new pool.</param>
    /// <param name="options">Options (null: defaults).</param>
    public static PmemBlk OpenOrCreate(string path, int blockSize, long size, PmemBlkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
            return Open(path, blockSize, options);
        try
        {
            return Create(path, blockSize, size, options);
        }
        catch (PmemException e) when (e.Code == PmemErrorCode.FileExists && File.Exists(path))
        {
            return Open(path, blockSize, options); // lost a creation race
        }
    }

    /// <summary>
    /// Checks the consistency of a pool without modifying it (recovery runs in a private copy-on-write mapping):
    /// header, descriptor, BTT info blocks and flogs, and that every internal block is referenced exactly once.
    /// C: <c>pmemblk_check</c>.
    /// </summary>
    /// <returns>True if consistent; false if the map/flog references are inconsistent.</returns>
    /// <exception cref="PmemException">The pool cannot be opened at all (same reasons as <see cref="Open"/>).</exception>
    public static bool Check(string path, int blockSize = 0, PmemBlkOptions? options = null) =>
        Check(path, blockSize, problems: null, options);

    /// <summary>Like <see cref="Check(string, int, PmemBlkOptions?)"/>, appending a line per problem found.</summary>
    public static bool Check(string path, int blockSize, List<string>? problems, PmemBlkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(blockSize);
        options ??= PmemBlkOptions.Default;
        Btt.Btt? btt = null;
        using PoolReplica replica = PoolReplica.OpenCopyOnWrite(path, PoolKind.Blk, r =>
        {
            (uint bsize, bool isZeroed) = ReadDescriptor(r, blockSize);
            btt = OpenBtt(r, bsize, isZeroed, options);
        });
        return btt!.Check(problems);
    }

    private static (uint Bsize, bool IsZeroed) ReadDescriptor(PoolReplica replica, int blockSize)
    {
        ReadOnlySpan<byte> pool = replica.Memory.GetSpan(0, (int)BlkDescriptor.DataOffset);
        uint stored = BlkDescriptor.ReadBsize(pool);
        if (stored == 0)
            throw new PoolCorruptedException("invalid pmemblk descriptor field 'bsize' (0)", replica.Path);
        if (blockSize != 0 && (uint)blockSize != stored)
            throw new PmemException(PmemErrorCode.PoolIncompatible,
                $"wrong bsize ({blockSize}), pool created with bsize {stored}.", replica.Path);
        if (stored > int.MaxValue)
            throw new PmemException(PmemErrorCode.NotSupported, $"block size {stored} is larger than a span can hold.", replica.Path);
        return (stored, BlkDescriptor.ReadIsZeroed(pool) != 0);
    }

    /// <summary>Loads the BTT, recovering interrupted writes. C: <c>pmemblk_runtime_init</c>.</summary>
    private static Btt.Btt OpenBtt(PoolReplica replica, uint bsize, bool isZeroed, PmemBlkOptions options)
    {
        ulong poolSize = replica.Size & ~4095UL;
        if (poolSize < BlkDescriptor.MinPool)
            throw new PoolCorruptedException(
                $"pool size {poolSize} is smaller than {BlkDescriptor.MinPool} (PMEMBLK_MIN_POOL): truncated file", replica.Path);
        var ns = new PoolMemoryNamespace(replica.Memory, BlkDescriptor.DataOffset, poolSize - BlkDescriptor.DataOffset);
        uint maxLane = options.MaxLanes > 0 ? (uint)options.MaxLanes : (uint)Math.Max(1, Environment.ProcessorCount) * 2;
        Span<byte> parent = stackalloc byte[16];
        replica.Header.PoolsetUuid.TryWriteBytes(parent);
        return Btt.Btt.Open(ns, bsize, parent, maxLane, isZeroed, replica.Path);
    }
}
