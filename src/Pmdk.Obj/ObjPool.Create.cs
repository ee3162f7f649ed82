// Creating an obj pool: header, descriptor, lanes, heap header, zone headers (PMDK: libpmemobj/obj.c pmemobj_create, obj_descr_create, heap_init).
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Pmdk.Interop;
using Pmdk.Obj.Heap;
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;
using Pmdk.Pmem;
using Pmdk.Pool;

namespace Pmdk.Obj;

public sealed partial class ObjPool
{
    /// <summary>
    /// Creates a pool file and opens it. The bytes written are those Debian's libpmemobj 1.12.1 writes (spec §8):
    /// header with compat 0x1 / incompat 0x6, 1024 lanes, heap header, zones left uninitialized.
    /// </summary>
    /// <param name="path">The new file (must not exist), or an existing file with an all-zero header when <paramref name="size"/> is 0.</param>
    /// <param name="layout">Layout name (at most 1023 UTF-8 bytes), or null.</param>
    /// <param name="size">Pool size; at least <see cref="MinPoolSize"/>. 0 uses the existing file.</param>
    /// <param name="options">Options.</param>
    /// <remarks>C: <c>pmemobj_create</c></remarks>
    public static ObjPool Create(string path, string? layout, ulong size, ObjPoolOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= ObjPoolOptions.Default;
        byte[] layoutBytes = layout is null ? [] : Encoding.UTF8.GetBytes(layout);
        if (layoutBytes.Length >= PoolDescriptor.MaxLayoutLength)
            throw new ArgumentException($"layout name is {layoutBytes.Length} bytes; at most {PoolDescriptor.MaxLayoutLength - 1} are allowed.", nameof(layout));
        if (size != 0 && size < MinPoolSize)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"pool size {size} smaller than {MinPoolSize}", path);

        PmemMapping mapping = size != 0
            ? Map(path, size, PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive, options)
            : Map(path, 0, PmemMapFileOptions.None, options);
        SafeFileHandle? lockHandle = null;
        try
        {
            lockHandle = LockFile(path);
            ulong fileSize = FileSize(lockHandle, path);
            if (fileSize < MinPoolSize)
                throw new PmemException(PmemErrorCode.InvalidArgument, $"pool size {fileSize} smaller than {MinPoolSize}", path);
            var pool = new ObjMemory(mapping, fileSize & ~4095UL, path);
            if (!PoolHeader.IsZero(pool.Span(0, PoolHeader.Size)))
                throw new PmemException(PmemErrorCode.FileExists, "Non-empty file detected: the pool header is not all zero", path);
            if (options.Prefault)
                Prefault(pool);
            WriteLayout(pool, layoutBytes);
            WriteHeader(pool, lockHandle, options.ShutdownStateAtCreate);
            return Boot(mapping, lockHandle, pool, options.ShutdownStateAtCreate, options);
        }
        catch
        {
            mapping.Dispose();
            lockHandle?.Dispose();
            if (size != 0)
                _ = Libc.unlink(path);
            throw;
        }
    }

    /// <summary>Opens the pool, or creates it when the file does not exist.</summary>
    public static ObjPool OpenOrCreate(string path, string? layout, ulong size, ObjPoolOptions? options = null) =>
        File.Exists(path) ? Open(path, layout, options) : Create(path, layout, size, options);

    private static void WriteLayout(ObjMemory pool, byte[] layout)
    {
        const ulong lanesOffset = 0x2000;
        const ulong laneCount = LaneLayout.DefaultLaneCount;
        ulong heapOffset = (lanesOffset + laneCount * LaneLayout.Size + 4095) & ~4095UL;
        ulong heapSize = pool.Size - heapOffset;
        if (heapSize < HeapLayout.MinHeapSize)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"heap size {heapSize} is smaller than the minimum {HeapLayout.MinHeapSize}", pool.Path);

        // Descriptor page (checksummed part, persistent fields, run-time area).
        pool.Span(PoolDescriptor.PoolOffset, 4096).Clear();
        ref PoolDescriptor d = ref pool.Ref<PoolDescriptor>(PoolDescriptor.PoolOffset);
        layout.CopyTo((Span<byte>)d.Layout);
        d.LanesOffset = lanesOffset;
        d.LaneCount = laneCount;
        d.HeapOffset = heapOffset;
        d.Checksum = d.ComputeChecksum();
        ref PoolDescriptorRuntime rt = ref pool.Ref<PoolDescriptorRuntime>(PoolDescriptorRuntime.PoolOffset);
        rt.HeapSize = heapSize;
        pool.Flush(PoolDescriptor.PoolOffset, 4096);

        // Lanes: all zero but the three capacities.
        pool.Persistence.Fill(lanesOffset, 0, laneCount * LaneLayout.Size, PmemFlags.NoDrain);
        for (ulong i = 0; i < laneCount; i++)
        {
            ulong lane = lanesOffset + i * LaneLayout.Size;
            pool.Word(lane + LaneLayout.InternalOffset + 16) = LaneLayout.InternalCapacity;
            pool.Word(lane + LaneLayout.ExternalOffset + 16) = LaneLayout.ExternalCapacity;
            pool.Word(lane + LaneLayout.UndoOffset + 16) = LaneLayout.UndoCapacity;
        }
        pool.Flush(lanesOffset, laneCount * LaneLayout.Size);

        // Heap header, then each zone header and its first chunk header zeroed (zones initialize lazily).
        HeapHeader hh = HeapHeader.CreateDefault();
        pool.Ref<HeapHeader>(heapOffset) = hh;
        pool.Flush(heapOffset, HeapHeader.Size);
        int zones = HeapLayout.ZoneCount(heapSize);
        for (int z = 0; z < zones; z++)
        {
            ulong zone = heapOffset + HeapLayout.HeaderSize + (ulong)z * HeapLayout.ZoneMaxSize;
            pool.Span(zone, ZoneHeader.Size + ChunkHeader.Size).Clear();
            pool.Flush(zone, ZoneHeader.Size + ChunkHeader.Size);
        }
        pool.Drain();
    }

    private static void WriteHeader(ObjMemory pool, SafeFileHandle handle, bool sds)
    {
        var h = new PoolHeader
        {
            Major = PoolKind.Obj.Major,
            Compat = PoolFeatures.DefaultCompat,
            Incompat = sds ? PoolFeatures.DefaultIncompat : IncompatFeatures.Checksum2K,
            PoolsetUuid = Guid.NewGuid(),
            Arch = ArchFlags.Current,
        };
        h.SetSignature(PoolKind.Obj);
        Guid uuid = Guid.NewGuid();
        h.Uuid = h.PrevPartUuid = h.NextPartUuid = h.PrevReplicaUuid = h.NextReplicaUuid = uuid;
        h.CreationTime = Libc.fstat((int)handle.DangerousGetHandle(), out StatBuf st) == 0 ? (ulong)st.CTimeSec : 0;
        h.UpdateChecksum();
        pool.Persistence.Copy(0, MemoryMarshal.AsBytes(new ReadOnlySpan<PoolHeader>(in h)));
    }
}
