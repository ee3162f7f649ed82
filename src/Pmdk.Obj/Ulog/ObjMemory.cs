// Raw access to the mapped pool with bounds checks of media-derived offsets (PMDK: libpmemobj/obj.c OBJ_OFF_* macros).
using System.Runtime.CompilerServices;
using Pmdk.Pmem.Persistence;
using Pmdk.Pool;

namespace Pmdk.Obj.Ulog;

/// <summary>
/// The mapped pool as a base pointer, a size and the persistence seam. Every offset that comes from the media
/// goes through <see cref="CheckRange"/> before it is dereferenced.
/// </summary>
internal sealed unsafe class ObjMemory
{
    public ObjMemory(byte* address, ulong size, IPersistence persistence, string path)
    {
        Base = address;
        Size = size;
        Path = path;
        Persistence = persistence;
    }

    /// <summary>The logical space of a pool replica (its parts back to back), limited to <paramref name="size"/>.</summary>
    public static ObjMemory ForReplica(PoolMemory memory, ulong size, IPersistence persistence) =>
        new((byte*)Unsafe.AsPointer(ref memory.Ref<byte>(0)), size, persistence, memory.Path);

    public byte* Base { get; }

    /// <summary>The pool size (file size rounded down to 4 KiB).</summary>
    public ulong Size { get; }

    public string Path { get; }

    public IPersistence Persistence { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool InRange(ulong offset, ulong length) => offset <= Size && length <= Size - offset;

    /// <summary>Throws <see cref="PoolCorruptedException"/> naming <paramref name="field"/> when the range is outside the pool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CheckRange(ulong offset, ulong length, string field)
    {
        if (offset > Size || length > Size - offset)
            ThrowOutOfRange(offset, length, field);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref ulong Word(ulong offset) => ref Unsafe.AsRef<ulong>(Base + offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Ref<T>(ulong offset) where T : unmanaged => ref Unsafe.AsRef<T>(Base + offset);

    public Span<byte> Span(ulong offset, int length) => new(Base + offset, length);

    /// <summary>An 8-byte store made durable (the atomic publication primitive).</summary>
    public void StoreWord(ulong offset, ulong value)
    {
        Volatile.Write(ref Word(offset), value);
        Persistence.Persist(offset, 8);
    }

    public void Persist(ulong offset, ulong length) => Persistence.Persist(offset, length);

    public void Flush(ulong offset, ulong length) => Persistence.Flush(offset, length);

    public void Drain() => Persistence.Drain();

    private void ThrowOutOfRange(ulong offset, ulong length, string field) =>
        throw new PoolCorruptedException(
            $"field '{field}' points outside the pool: offset 0x{offset:x} length {length}, pool size 0x{Size:x}", Path);
}
