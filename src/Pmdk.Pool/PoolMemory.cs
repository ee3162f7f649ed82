// Bounds-checked access to a pool's logical address space, one part or many (PMDK: common/set.c replica mapping, pmemops.h).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pmdk.Pmem;
using Pmdk.Pmem.Persistence;

namespace Pmdk.Pool;

/// <summary>
/// The logical address space of one replica (spec §5.4): the header of part 0 at offset 0, the parts after it
/// back to back. It is the only way pool code turns an offset into memory: every access checks its range,
/// and offsets read from the media go through the <c>Media*</c> accessors, which throw
/// <see cref="PoolCorruptedException"/> rather than touch memory outside the pool.
/// </summary>
/// <remarks>
/// SAFETY: spans and refs are valid only until the owning <see cref="PoolReplica"/> is disposed; after that every
/// accessor throws <see cref="ObjectDisposedException"/>, but spans obtained earlier must not be used.
/// </remarks>
public sealed unsafe class PoolMemory
{
    private readonly byte* _base;
    private bool _closed;

    internal PoolMemory(byte* address, ulong length, IPersistence persistence, string path)
    {
        _base = address;
        Length = length;
        Persistence = persistence;
        Path = path;
    }

    /// <summary>Size of the logical space (the replica size).</summary>
    public ulong Length { get; }

    /// <summary>The persistence every durable store goes through (spans parts for a multi-part pool).</summary>
    public IPersistence Persistence { get; }

    /// <summary>The pool (set) file, for messages.</summary>
    public string Path { get; }

    /// <summary>A writable view of [offset, offset+length); an out-of-range request is a caller bug.</summary>
    public Span<byte> GetSpan(ulong offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        CheckOpen();
        if (offset > Length || (ulong)length > Length - offset)
            ThrowHelperRange(offset, (ulong)length);
        return new Span<byte>(_base + offset, length);
    }

    /// <summary>A reference to a <typeparamref name="T"/> at an offset the caller computed.</summary>
    public ref T Ref<T>(ulong offset) where T : unmanaged
    {
        CheckOpen();
        if (offset > Length || (ulong)sizeof(T) > Length - offset)
            ThrowHelperRange(offset, (ulong)sizeof(T));
        return ref Unsafe.AsRef<T>(_base + offset);
    }

    /// <summary>A view of a range whose offset or length came from the media; a bad range names <paramref name="field"/>.</summary>
    /// <exception cref="PoolCorruptedException">The range lies outside the pool.</exception>
    public Span<byte> GetMediaSpan(ulong offset, ulong length, string field)
    {
        CheckOpen();
        if (offset > Length || length > Length - offset || length > int.MaxValue)
            throw new PoolCorruptedException($"{field}: range [0x{offset:x}, 0x{offset:x}+0x{length:x}) lies outside the pool of 0x{Length:x} bytes", Path);
        return new Span<byte>(_base + offset, (int)length);
    }

    /// <summary>A reference at an offset read from the media; checks range and alignment.</summary>
    /// <exception cref="PoolCorruptedException">The offset is out of range or misaligned.</exception>
    public ref T MediaRef<T>(ulong offset, string field) where T : unmanaged
    {
        CheckOpen();
        if (offset > Length || (ulong)sizeof(T) > Length - offset)
            throw new PoolCorruptedException($"{field}: offset 0x{offset:x} lies outside the pool of 0x{Length:x} bytes", Path);
        int align = Math.Min(sizeof(T), 8);
        if (align > 0 && (align & (align - 1)) == 0 && offset % (ulong)align != 0)
            throw new PoolCorruptedException($"{field}: offset 0x{offset:x} is not {align}-byte aligned", Path);
        return ref Unsafe.AsRef<T>(_base + offset);
    }

    /// <summary>Copies [offset, offset+destination.Length) out of the pool.</summary>
    public void Read(ulong offset, Span<byte> destination) => GetSpan(offset, destination.Length).CopyTo(destination);

    /// <summary>Reads a value.</summary>
    public T Read<T>(ulong offset) where T : unmanaged => Ref<T>(offset);

    /// <summary>Copies <paramref name="source"/> in and makes it durable (unless <paramref name="flags"/> say otherwise).</summary>
    public void Write(ulong offset, ReadOnlySpan<byte> source, PmemFlags flags = PmemFlags.None)
    {
        _ = GetSpan(offset, source.Length);
        Persistence.Copy(offset, source, flags);
    }

    /// <summary>Stores a value and makes it durable.</summary>
    public void Write<T>(ulong offset, in T value, PmemFlags flags = PmemFlags.None) where T : unmanaged =>
        Write(offset, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)), flags);

    /// <summary>Flushes and drains a range. C: <c>pmemops_persist</c>.</summary>
    public void Persist(ulong offset, ulong length)
    {
        CheckOpen();
        if (offset > Length || length > Length - offset)
            ThrowHelperRange(offset, length);
        Persistence.Persist(offset, length);
    }

    /// <summary>Touches every page so that later accesses do not fault (PMDK's prefault).</summary>
    public void Prefault()
    {
        CheckOpen();
        ulong page = (ulong)Environment.SystemPageSize;
        for (ulong off = 0; off < Length; off += page)
        {
            byte* p = _base + off;
            // Read then write back the same value: the page becomes resident and writable; no data changes.
            byte v = Volatile.Read(ref *p);
            Volatile.Write(ref *p, v);
        }
    }

    internal void Close() => _closed = true;

    private void CheckOpen() => ObjectDisposedException.ThrowIf(_closed, this);

    private void ThrowHelperRange(ulong offset, ulong length) =>
        throw new ArgumentOutOfRangeException(nameof(offset),
            $"{Path}: range [{offset}, {offset}+{length}) lies outside the pool of {Length} bytes.");

    internal static PoolMemory ForMapping(PmemMapping mapping, string path) =>
        new(mapping.DangerousGetPointer(), mapping.Length, mapping.Persistence, path);

    internal static PoolMemory ForReservation(VmReservation reservation, ulong length, IPersistence persistence, string path) =>
        new((byte*)reservation.Address, length, persistence, path);
}
