// Creating, opening and checking block pools (PMDK: libpmemblk/blk.c pmemblk_create, pmemblk_open, pmemblk_check, pmemblk_runtime_init).
using System.Buffers.Binary;
using Pmdk.Blk.Btt;

namespace Pmdk.Blk;

public sealed partial class PmemBlk
{
    /// <summary>
    /// Creates a block pool. C: <c>pmemblk_create</c>.
    /// </summary>
    /// <param name="path">The pool file.</param>
    /// <param name="blockSize">Block size in bytes (≥ 1; stored as given, rounded up internally to a multiple of 256, at least 512).</param>
    /// <param name="size">File size: &gt; 0 creates a new file of exactly that size (at least 16 MiB + 8 KiB);
    /// 0 uses an existing file whose first 4 KiB are zero.</param>
    /// <param name="options">Options (null: defaults).</param>
    /// <exception cref="PmemException">The file exists, is too small, or the block size leaves too few blocks.</exception>
    public static PmemBlk Create(string path, int blockSize, long size, PmemBlkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        options ??= PmemBlkOptions.Default;
        BlkPoolFile file = BlkPoolFile.Create(path, (ulong)size, options, out bool isZeroed);
        try
        {
            Span<byte> descriptor = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor, (uint)blockSize);
            file.Mapping.Persistence.Copy(BlkDescriptor.BsizeOffset, descriptor);
            BinaryPrimitives.WriteInt32LittleEndian(descriptor, isZeroed ? 1 : 0);
            file.Mapping.Persistence.Copy(BlkDescriptor.IsZeroedOffset, descriptor);
            PmemBlk pool = Initialize(file, (uint)blockSize, isZeroed, options);
            file.SetFinalMode(options.Mode);
            return pool;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (file.Created)
                file.DisposeAndDelete();
            else
                file.Dispose();
            throw;
        }
    }

    /// <summary>Opens a block pool. C: <c>pmemblk_open</c>.</summary>
    /// <param name="path">The pool file.</param>
    /// <param name="blockSize">Expected block size, or 0 to accept the stored one.</param>
    /// <param name="options">Options (null: defaults).</param>
    /// <exception cref="PmemException">Not a pmemblk pool, a different block size ("wrong bsize"), a damaged header or
    /// BTT, or the pool is open elsewhere. The file is left untouched.</exception>
    public static PmemBlk Open(string path, int blockSize = 0, PmemBlkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(blockSize);
        options ??= PmemBlkOptions.Default;
        BlkPoolFile file = BlkPoolFile.Open(path, options, copyOnWrite: false);
        try
        {
            (uint bsize, bool isZeroed) = ReadDescriptor(file, blockSize);
            return Initialize(file, bsize, isZeroed, options);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            file.Dispose();
            throw;
        }
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
        using BlkPoolFile file = BlkPoolFile.Open(path, options, copyOnWrite: true);
        (uint bsize, bool isZeroed) = ReadDescriptor(file, blockSize);
        Btt.Btt btt = OpenBtt(file, bsize, isZeroed, options);
        return btt.Check(problems);
    }

    private static (uint Bsize, bool IsZeroed) ReadDescriptor(BlkPoolFile file, int blockSize)
    {
        ReadOnlySpan<byte> pool = file.Mapping.GetSpan(0, (int)BlkDescriptor.DataOffset);
        uint stored = BlkDescriptor.ReadBsize(pool);
        if (stored == 0)
            throw new PoolCorruptedException("invalid pmemblk descriptor field 'bsize' (0)", file.Path);
        if (blockSize != 0 && (uint)blockSize != stored)
            throw new PmemException(PmemErrorCode.PoolIncompatible,
                $"wrong bsize ({blockSize}), pool created with bsize {stored}.", file.Path);
        if (stored > int.MaxValue)
            throw new PmemException(PmemErrorCode.NotSupported, $"block size {stored} is larger than a span can hold.", file.Path);
        return (stored, BlkDescriptor.ReadIsZeroed(pool) != 0);
    }

    private static Btt.Btt OpenBtt(BlkPoolFile file, uint bsize, bool isZeroed, PmemBlkOptions options)
    {
        ulong rawSize = file.PoolSize - BlkDescriptor.DataOffset;
        var ns = new MappingNamespace(file.Mapping, BlkDescriptor.DataOffset, rawSize);
        uint maxLane = options.MaxLanes > 0 ? (uint)options.MaxLanes : (uint)Math.Max(1, Environment.ProcessorCount) * 2;
        Span<byte> parent = stackalloc byte[16];
        file.Header.PoolsetUuid.TryWriteBytes(parent);
        return Btt.Btt.Open(ns, bsize, parent, maxLane, isZeroed, file.Path);
    }

    /// <summary>Loads the BTT (recovering interrupted writes), then marks the pool open. C: <c>pmemblk_runtime_init</c>.</summary>
    private static PmemBlk Initialize(BlkPoolFile file, uint bsize, bool isZeroed, PmemBlkOptions options)
    {
        Btt.Btt btt = OpenBtt(file, bsize, isZeroed, options);
        if (!file.ReadOnly)
            file.MarkDirty();
        return new PmemBlk(file, btt);
    }
}
