// Opening an obj pool: header, descriptor and heap checks, run_id, recovery (PMDK: libpmemobj/obj.c pmemobj_open, obj_runtime_init).
using System.Text;
using Microsoft.Win32.SafeHandles;
using Pmdk.Interop;
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;
using Pmdk.Pmem;
using Pmdk.Pool;

namespace Pmdk.Obj;

public sealed partial class ObjPool
{
    /// <summary>Smallest obj pool. C: <c>PMEMOBJ_MIN_POOL</c>.</summary>
    public const ulong MinPoolSize = 8UL << 20;

    /// <summary>
    /// Opens a pool, checking it as libpmemobj does (spec §2.4) and replaying interrupted operations.
    /// </summary>
    /// <param name="path">The pool file.</param>
    /// <param name="layout">The expected layout name, or null to accept any.</param>
    /// <param name="options">Options (persistence provider, prefault).</param>
    /// <exception cref="PoolCorruptedException">A damaged or foreign file, a wrong layout; the message names the field.</exception>
    /// <exception cref="PmemException">The file is missing, locked by another open, or unsupported.</exception>
    /// <remarks>C: <c>pmemobj_open</c></remarks>
    public static ObjPool Open(string path, string? layout, ObjPoolOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= ObjPoolOptions.Default;
        SafeFileHandle lockHandle = LockFile(path);
        PmemMapping? mapping = null;
        try
        {
            ulong fileSize = FileSize(lockHandle, path);
            if (fileSize < MinPoolSize)
                throw new PoolCorruptedException($"file size {fileSize} is smaller than the minimum obj pool size {MinPoolSize}", path);
            mapping = Map(path, 0, PmemMapFileOptions.None, options);
            var pool = new ObjMemory(mapping, fileSize & ~4095UL, path);
            bool sds = ValidateHeader(pool);
            ValidateDescriptor(pool, layout);
            return Boot(mapping, lockHandle, pool, sds, options);
        }
        catch
        {
            mapping?.Dispose();
            lockHandle.Dispose();
            throw;
        }
    }

    private static ObjPool Boot(PmemMapping mapping, SafeFileHandle lockHandle, ObjMemory pool, bool sds, ObjPoolOptions options)
    {
        if (options.Prefault)
            Prefault(pool);
        if (sds)
        {
            ShutdownState s = ShutdownState.ForPlainFile(dirty: true);
            pool.Persistence.Copy(PoolHeader.SdsOffset, System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<ShutdownState>(in s)));
        }
        ref PoolDescriptor d = ref pool.Ref<PoolDescriptor>(PoolDescriptor.PoolOffset);
        ref PoolDescriptorRuntime rt = ref pool.Ref<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset);
        if (rt.HeapSize == 0)
            pool.StoreWord(PoolDescriptorRuntime.HeapSizeField, pool.Size - d.HeapOffset);
        if (pool.Size < d.HeapOffset || rt.HeapSize > pool.Size - d.HeapOffset)
            throw new PoolCorruptedException($"field 'heap_size' {rt.HeapSize} exceeds the pool (size {pool.Size}, heap offset 0x{d.HeapOffset:x})", pool.Path);
        Heap.Heap.Check(pool, d.HeapOffset, rt.HeapSize);

        ulong runId = rt.RunId + 2;
        if (runId == 0)
            runId += 2;
        pool.StoreWord(PoolDescriptorRuntime.RunIdField, runId);

        ulong lanes = Math.Min(d.LaneCount, LaneLayout.DefaultLaneCount);
        LaneSet.RecoverRedo(pool, d.LanesOffset, lanes);

        ulong uuidLo = ComputeUuidLo(pool);
        var objPool = new ObjPool(mapping, lockHandle, pool, uuidLo, sds);
        objPool._alloc.Heap.RepairZones();
        for (ulong i = 0; i < lanes; i++)
        {
            List<(ulong, ulong)>? ext = UndoLog.Recover(pool, d.LanesOffset + i * LaneLayout.Size + LaneLayout.UndoOffset);
            if (ext is { Count: > 0 })
                objPool._alloc.FreeExtensions(ext);
        }
        pool.StoreWord(PoolDescriptorRuntime.ConversionFlagsField, 0);
        return objPool;
    }

    /// <summary>The pool's uuid_lo: the XOR of the two halves of the poolset UUID, byte 0 most significant (spec §2.0).</summary>
    internal static ulong ComputeUuidLo(ObjMemory pool)
    {
        ReadOnlySpan<byte> u = pool.Span(24, 16);
        ulong lo = 0;
        for (int i = 0; i < 8; i++)
            lo = (lo << 8) | (byte)(u[i] ^ u[8 + i]);
        return lo;
    }

    private static bool ValidateHeader(ObjMemory pool)
    {
        PoolHeader h = PoolHeader.Read(pool.Span(0, PoolHeader.Size));
        if (h.ValidateForOpen(PoolKind.Obj, pool.Path))
            throw new PmemException(PmemErrorCode.NotSupported, "an unknown ro_compat feature forces read-only mode, which is not supported", pool.Path);
        if (h.PrevPartUuid != h.Uuid || h.NextPartUuid != h.Uuid)
            throw new PoolCorruptedException("wrong part UUID: header fields 'prev_part_uuid'/'next_part_uuid' do not name this single-file pool", pool.Path);
        if (h.PrevReplicaUuid != h.Uuid || h.NextReplicaUuid != h.Uuid)
            throw new PoolCorruptedException("wrong replica UUID: header fields 'prev_repl_uuid'/'next_repl_uuid' do not name this single-file pool", pool.Path);
        return (h.Incompat & IncompatFeatures.ShutdownState) != 0;
    }

    private static void ValidateDescriptor(ObjMemory pool, string? layout)
    {
        ref PoolDescriptor d = ref pool.Ref<PoolDescriptor>(PoolDescriptor.PoolOffset);
        ulong sum = d.ComputeChecksum();
        if (sum != d.Checksum)
            throw new PoolCorruptedException($"invalid checksum of pool descriptor (field 'checksum': stored 0x{d.Checksum:x16}, computed 0x{sum:x16})", pool.Path);
        if (layout is not null)
        {
            ReadOnlySpan<byte> stored = d.Layout;
            int n = stored.IndexOf((byte)0);
            ReadOnlySpan<byte> name = n < 0 ? stored : stored[..n];
            byte[] wanted = Encoding.UTF8.GetBytes(layout);
            if (!name.SequenceEqual(wanted.AsSpan(0, Math.Min(wanted.Length, PoolDescriptor.MaxLayoutLength))))
            {
                throw new PoolCorruptedException(
                    $"wrong layout: the pool's field 'layout' is \"{Encoding.UTF8.GetString(name)}\", expected \"{layout}\"", pool.Path,
                    PmemErrorCode.PoolIncompatible);
            }
        }
        if (d.HeapOffset % 4096 != 0)
            throw new PoolCorruptedException($"unaligned heap: field 'heap_offset' 0x{d.HeapOffset:x}", pool.Path);
        if (d.LaneCount == 0 || d.LaneCount > 1UL << 20 || d.LanesOffset < PoolDescriptor.PoolOffset + 4096 ||
            d.LanesOffset % 64 != 0 || d.LanesOffset + Math.Min(d.LaneCount, LaneLayout.DefaultLaneCount) * LaneLayout.Size > d.HeapOffset)
        {
            throw new PoolCorruptedException(
                $"invalid lane geometry: fields 'lanes_offset' 0x{d.LanesOffset:x}, 'nlanes' {d.LaneCount}, 'heap_offset' 0x{d.HeapOffset:x}", pool.Path);
        }
        if (d.HeapOffset >= pool.Size)
            throw new PoolCorruptedException($"field 'heap_offset' 0x{d.HeapOffset:x} is beyond the pool size {pool.Size}", pool.Path);
        ulong runId = pool.Ref<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset).RunId;
        if (runId % 2 != 0)
            throw new PoolCorruptedException($"field 'run_id' {runId} is odd", pool.Path);
    }

    private static PmemMapping Map(string path, ulong length, PmemMapFileOptions flags, ObjPoolOptions options) =>
        Pmem.Pmem.MapFile(path, length, flags, new PmemMapSettings
        {
            Mode = options.Mode,
            IsPmemForce = options.IsPmemForce,
            PersistenceProvider = options.PersistenceProvider,
        });

    private static SafeFileHandle LockFile(string path)
    {
        int fd = Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw PmemIOException.FromLastError(path, "open");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
        {
            PmemIOException e = PmemIOException.FromLastError(path, "flock (is the pool open elsewhere?)");
            handle.Dispose();
            throw e;
        }
        return handle;
    }

    private static ulong FileSize(SafeFileHandle handle, string path)
    {
        if (Libc.fstat((int)handle.DangerousGetHandle(), out StatBuf st) != 0)
            throw PmemIOException.FromLastError(path, "fstat");
        return (ulong)st.Size;
    }

    private static void Prefault(ObjMemory pool)
    {
        for (ulong off = 0; off < pool.Size; off += 4096)
        {
            ref byte b = ref pool.Ref<byte>(off);
            Volatile.Write(ref b, Volatile.Read(ref b));
        }
    }
}
