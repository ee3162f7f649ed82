// Reserved virtual address ranges that mappings are placed into (PMDK: libpmem2/vm_reservation.c).
using Pmdk.Interop;

namespace Pmdk.Pmem;

/// <summary>
/// A range of virtual address space reserved (PROT_NONE) so that several mappings can be placed contiguously,
/// as multi-part pools need. Mappings created with <see cref="PmemConfig.Reservation"/> land inside it;
/// disposing such a mapping returns its range to the reservation.
/// </summary>
/// <remarks>C: <c>pmem2_vm_reservation_new</c>, <c>_delete</c>, <c>_extend</c>, <c>_shrink</c>,
/// <c>_map_find</c>, <c>_get_address</c>, <c>_get_size</c>.</remarks>
public sealed class VmReservation : IDisposable
{
    private readonly object _gate = new();
    private readonly SortedDictionary<ulong, (ulong Length, PmemMapping? Mapping)> _ranges = [];
    private bool _disposed;

    private VmReservation(nint address, ulong size)
    {
        Address = address;
        Size = size;
    }

    /// <summary>Start address of the reservation.</summary>
    public nint Address { get; private set; }

    /// <summary>Size of the reservation in bytes.</summary>
    public ulong Size { get; private set; }

    /// <summary>Reserves <paramref name="size"/> bytes (page multiple), optionally at a fixed address.</summary>
    public static VmReservation Create(ulong size, nint address = 0)
    {
        ulong page = (ulong)Libc.PageSize;
        if (size == 0 || size % page != 0)
            throw new PmemException(PmemErrorCode.LengthUnaligned, $"reservation size {size} is not a positive multiple of the page size {page}.");
        if (address % (nint)page != 0)
            throw new PmemException(PmemErrorCode.OffsetUnaligned, $"reservation address 0x{address:x} is not page-aligned.");
        int flags = Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE | (address != 0 ? Libc.MAP_FIXED_NOREPLACE : 0);
        nint p = Libc.mmap(address, (nuint)size, Libc.PROT_NONE, flags, -1, 0);
        if (p == Libc.MAP_FAILED)
        {
            var e = PmemIOException.FromLastError(null, "mmap(reserve)");
            throw e.Errno == Errno.EEXIST
                ? new PmemException(PmemErrorCode.MappingExists, "the requested address range is already mapped.", null, e)
                : e;
        }
        return new VmReservation(p, size);
    }

    /// <summary>The mapping that covers <paramref name="offset"/>, or null. C: <c>pmem2_vm_reservation_map_find</c>.</summary>
    public PmemMapping? FindMapping(ulong offset, ulong length = 1)
    {
        lock (_gate)
        {
            foreach (var (start, (len, mapping)) in _ranges)
            {
                if (mapping is not null && offset < start + len && start < offset + Math.Max(length, 1))
                    return mapping;
            }
            return null;
        }
    }

    /// <summary>Every mapping in the reservation, by offset.</summary>
    public IReadOnlyList<PmemMapping> Mappings
    {
        get
        {
            lock (_gate)
                return [.. _ranges.Values.Where(v => v.Mapping is not null).Select(v => v.Mapping!)];
        }
    }

    /// <summary>Grows the reservation at its end. C: <c>pmem2_vm_reservation_extend</c>.</summary>
    public void Extend(ulong size)
    {
        ulong page = (ulong)Libc.PageSize;
        if (size == 0 || size % page != 0)
            throw new PmemException(PmemErrorCode.LengthUnaligned, $"extension {size} is not a positive multiple of the page size.");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            nint end = Address + (nint)Size;
            nint p = Libc.mmap(end, (nuint)size, Libc.PROT_NONE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE | Libc.MAP_FIXED_NOREPLACE, -1, 0);
            if (p == Libc.MAP_FAILED || p != end)
            {
                if (p != Libc.MAP_FAILED)
                    _ = Libc.munmap(p, (nuint)size);
                throw new PmemException(PmemErrorCode.MappingExists, "the address range after the reservation is occupied.");
            }
            Size += size;
        }
    }

    /// <summary>Releases [offset, offset+size) at the start or the end of the reservation; it must hold no mapping.
    /// C: <c>pmem2_vm_reservation_shrink</c>.</summary>
    public void Shrink(ulong offset, ulong size)
    {
        ulong page = (ulong)Libc.PageSize;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (offset % page != 0 || size % page != 0 || size == 0)
                throw new PmemException(PmemErrorCode.LengthUnaligned, "shrink offset and size must be page multiples.");
            if (offset > Size || size > Size - offset || size == Size)
                throw new PmemException(PmemErrorCode.OffsetOutOfRange, "shrink range is outside the reservation or covers all of it.");
            if (offset != 0 && offset + size != Size)
                throw new PmemException(PmemErrorCode.NotSupported, "only the start or the end of a reservation can be released.");
            if (Overlaps(offset, size))
                throw new PmemException(PmemErrorCode.MappingExists, "the range to release holds a mapping.");
            _ = Libc.munmap(Address + (nint)offset, (nuint)size);
            if (offset == 0)
            {
                Address += (nint)size;
                var moved = _ranges.ToList();
                _ranges.Clear();
                foreach (var (start, value) in moved)
                    _ranges[start - size] = value;
            }
            Size -= size;
        }
    }

    internal nint Claim(ulong offset, ulong length)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (offset % (ulong)Libc.PageSize != 0)
                throw new PmemException(PmemErrorCode.OffsetUnaligned, $"reservation offset {offset} is not page-aligned.");
            if (offset > Size || length > Size - offset)
                throw new PmemException(PmemErrorCode.MapRange, $"[{offset}, {offset + length}) does not fit the reservation of {Size} bytes.");
            if (Overlaps(offset, length))
                throw new PmemException(PmemErrorCode.MappingExists, $"[{offset}, {offset + length}) overlaps a mapping in the reservation.");
            _ranges[offset] = (length, null);
            return Address + (nint)offset;
        }
    }

    internal void Unclaim(ulong offset, ulong length)
    {
        lock (_gate)
            _ranges.Remove(offset);
    }

    internal void Register(PmemMapping mapping)
    {
        lock (_gate)
            _ranges[mapping.ReservationOffset] = (mapping.Length, mapping);
    }

    /// <summary>Replaces a mapping's pages with reserved PROT_NONE pages again.</summary>
    internal void Release(PmemMapping mapping, nint address, ulong length)
    {
        lock (_gate)
        {
            Rereserve(address, length);
            _ranges.Remove(mapping.ReservationOffset);
        }
    }

    internal static void Rereserve(nint address, ulong length) =>
        _ = Libc.mmap(address, (nuint)length, Libc.PROT_NONE,
            Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE | Libc.MAP_FIXED, -1, 0);

    private bool Overlaps(ulong offset, ulong length)
    {
        foreach (var (start, (len, _)) in _ranges)
        {
            if (offset < start + len && start < offset + length)
                return true;
        }
        return false;
    }

    /// <summary>Unreserves the range. C: <c>pmem2_vm_reservation_delete</c>.</summary>
    /// <exception cref="PmemException">Mappings still live in the reservation.</exception>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            if (_ranges.Count != 0)
                throw new PmemException(PmemErrorCode.MappingExists, "the reservation still holds mappings; dispose them first.");
            _disposed = true;
            _ = Libc.munmap(Address, (nuint)Size);
        }
    }
}
