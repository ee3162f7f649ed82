// A mapped range and its persistence functions (PMDK: libpmem2/map.c, libpmem/pmem.c).
using System.Runtime.CompilerServices;
using Pmdk.Pmem.Detection;
using Pmdk.Pmem.Persistence;

namespace Pmdk.Pmem;

/// <summary>
/// A memory-mapped file, Device DAX or anonymous range, with the persistence functions chosen for it once,
/// at creation. Offsets are relative to the start of the mapping; every accessor checks its range.
/// </summary>
/// <remarks>
/// C: <c>struct pmem2_map</c>, <c>pmem_map_file</c>. Spans and refs obtained from a mapping are valid only
/// until it is disposed.
/// </remarks>
public sealed unsafe partial class PmemMapping : IDisposable
{
    private readonly SafeMappingHandle? _handle;
    private readonly byte* _base;
    private readonly VmReservation? _reservation;
    private bool _disposed;

    internal PmemMapping(SafeMappingHandle? handle, byte* address, ulong length, bool isPmem, bool isDax,
        PmemGranularity granularity, PersistenceProfile profile, string? path,
        VmReservation? reservation, ulong reservationOffset)
    {
        _handle = handle;
        _base = address;
        Length = length;
        IsPmem = isPmem;
        IsDax = isDax;
        Granularity = granularity;
        Profile = profile;
        Path = path;
        _reservation = reservation;
        ReservationOffset = reservationOffset;
        NativePersistence = granularity switch
        {
            PmemGranularity.Byte or PmemGranularity.CacheLine => new CpuCachePersistence(address, length, profile, path, granularity),
            _ => new MsyncPersistence(address, length, path),
        };
        Persistence = NativePersistence;
    }

    /// <summary>
    /// Last step of creation: lets a provider replace the persistence, once every property is set. If the provider
    /// throws, the mapping is released before the exception propagates.
    /// </summary>
    internal PmemMapping Attach(IPersistenceProvider? provider)
    {
        if (provider is null)
            return this;
        try
        {
            Persistence = provider.Create(this, NativePersistence);
            return this;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Length of the mapping in bytes. C: <c>pmem2_map_get_size</c>.</summary>
    public ulong Length { get; }

    /// <summary>
    /// Whether CPU flushes make stores durable (MAP_SYNC or Device DAX, or <c>PMEM_IS_PMEM_FORCE=1</c>).
    /// C: <c>pmem_is_pmem</c>.
    /// </summary>
    public bool IsPmem { get; }

    /// <summary>Whether the mapping is a real DAX mapping (MAP_SYNC succeeded, or a Device DAX).</summary>
    public bool IsDax { get; }

    /// <summary>The effective store granularity. C: <c>pmem2_map_get_store_granularity</c>.</summary>
    public PmemGranularity Granularity { get; }

    /// <summary>The flush instruction, copy ISA and non-temporal threshold this mapping uses.</summary>
    public PersistenceProfile Profile { get; }

    /// <summary>The mapped file, when there is one.</summary>
    public string? Path { get; }

    /// <summary>Offset of this mapping in its <see cref="VmReservation"/>, when it has one.</summary>
    public ulong ReservationOffset { get; }

    /// <summary>
    /// The persistence every store to this mapping goes through (simulated when a provider was configured).
    /// </summary>
    public IPersistence Persistence { get; private set; }

    /// <summary>The persistence the hardware offers, bypassing any provider.</summary>
    internal IPersistence NativePersistence { get; }

    /// <summary>A writable view of [offset, offset+length).</summary>
    public Span<byte> GetSpan(ulong offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        CheckRange(offset, (ulong)length);
        return new Span<byte>(_base + offset, length);
    }

    /// <summary>A reference to an unmanaged value at <paramref name="offset"/>.</summary>
    public ref T Ref<T>(ulong offset) where T : unmanaged
    {
        CheckRange(offset, (ulong)sizeof(T));
        return ref Unsafe.AsRef<T>(_base + offset);
    }

    /// <summary>Copies [offset, offset+destination.Length) out of the mapping.</summary>
    public void Read(ulong offset, Span<byte> destination) => GetSpan(offset, destination.Length).CopyTo(destination);

    /// <summary>memcpy-persist into the mapping. C: <c>pmem_memcpy_persist</c>, <c>pmem2_memcpy_fn</c>.</summary>
    public void Write(ulong offset, ReadOnlySpan<byte> source, PmemFlags flags = PmemFlags.None) =>
        Persistence.Copy(offset, source, flags);

    /// <summary>memset-persist. C: <c>pmem_memset_persist</c>, <c>pmem2_memset_fn</c>.</summary>
    public void Fill(ulong offset, byte value, ulong length, PmemFlags flags = PmemFlags.None) =>
        Persistence.Fill(offset, value, length, flags);

    /// <summary>memmove-persist inside the mapping. C: <c>pmem_memmove_persist</c>, <c>pmem2_memmove_fn</c>.</summary>
    public void Move(ulong destination, ulong source, ulong length, PmemFlags flags = PmemFlags.None) =>
        Persistence.Move(destination, source, length, flags);

    /// <summary>Flush and drain a range. C: <c>pmem_persist</c>, <c>pmem2_persist_fn</c>.</summary>
    public void Persist(ulong offset, ulong length) => Persistence.Persist(offset, length);

    /// <summary>Flush a range without draining. C: <c>pmem_flush</c>, <c>pmem2_flush_fn</c>.</summary>
    public void Flush(ulong offset, ulong length) => Persistence.Flush(offset, length);

    /// <summary>Wait for earlier flushes. C: <c>pmem_drain</c>, <c>pmem2_drain_fn</c>.</summary>
    public void Drain() => Persistence.Drain();

    /// <summary>msync(MS_SYNC) of the pages of a range, whatever the granularity. C: <c>pmem_msync</c>.</summary>
    public void Msync(ulong offset, ulong length)
    {
        CheckRange(offset, length);
        MsyncPersistence.Msync(_base, offset, length, Path);
    }

    /// <summary>
    /// Persist a range all the way to the media, through the memory controller's write-pending queues
    /// where the platform exposes a region <c>deep_flush</c>. C: <c>pmem2_deep_flush</c>, <c>pmem_deep_persist</c>.
    /// </summary>
    public void DeepFlush(ulong offset, ulong length)
    {
        CheckRange(offset, length);
        Detection.DeepFlush.Run(this, offset, length);
    }

    /// <summary>The start address. SAFETY: valid only until this mapping is disposed.</summary>
    public byte* DangerousGetPointer()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _base;
    }

    /// <summary>Source device number (used by deep flush to find the NVDIMM region).</summary>
    internal ulong DeviceNumber { get; init; }

    /// <summary>Whether the source is a character device (Device DAX).</summary>
    internal bool IsCharDevice { get; init; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckRange(ulong offset, ulong length)
    {
        if (offset > Length || length > Length - offset)
            ThrowHelper.RangeOutsideMapping(offset, length, Length);
    }

    /// <summary>Unmaps (or, inside a reservation, returns the range to the reservation).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_reservation is not null)
            _reservation.Release(this, (nint)_base, Length);
        else
            _handle?.Dispose();
    }
}
