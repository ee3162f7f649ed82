// Field accessors for the example's C structs laid out inside objects (PMDK: D_RO/D_RW).
using Pmdk.Obj;

namespace Pmdk.Examples.MapCli;

/// <summary>Typed references to fields at fixed byte offsets of an object.</summary>
internal static class PoolExtensions
{
    /// <summary>A 64-bit field.</summary>
    public static ref ulong U64(this ObjPool pool, PmemOid oid, ulong offset) => ref pool.Ref<ulong>(oid, offset);

    /// <summary>A 32-bit field.</summary>
    public static ref uint U32(this ObjPool pool, PmemOid oid, ulong offset) => ref pool.Ref<uint>(oid, offset);

    /// <summary>A signed 32-bit field.</summary>
    public static ref int I32(this ObjPool pool, PmemOid oid, ulong offset) => ref pool.Ref<int>(oid, offset);

    /// <summary>A PMEMoid field (16 bytes).</summary>
    public static ref PmemOid Oid(this ObjPool pool, PmemOid oid, ulong offset) => ref pool.Ref<PmemOid>(oid, offset);

    /// <summary>
    /// memmove inside one object. Like C it may read a little past the object's usable bytes (btree_map's merge
    /// moves one slot more than the node holds); the read stays inside the pool and is bounds-checked against it.
    /// </summary>
    public static void Move(this ObjPool pool, PmemOid oid, ulong destination, ulong source, ulong length)
    {
        if (length == 0)
            return;
        ulong end = Math.Max(destination, source) + length;
        if (end > int.MaxValue || oid.Offset + end > pool.Size)
            throw new ArgumentOutOfRangeException(nameof(length), $"move of {length} bytes in object 0x{oid.Offset:x} leaves the pool.");
        ulong usable = pool.UsableSize(oid);
        if (destination + length > usable)
            throw new ArgumentOutOfRangeException(nameof(destination), $"move writes past object 0x{oid.Offset:x} ({usable} bytes).");
        Span<byte> span = pool.GetSpan(oid, 0, (int)end);
        span.Slice((int)source, (int)length).CopyTo(span.Slice((int)destination));
    }

    /// <summary>memcpy between two objects.</summary>
    public static void Copy(this ObjPool pool, PmemOid from, ulong source, PmemOid to, ulong destination, ulong length) =>
        pool.GetSpan(from).Slice((int)source, (int)length).CopyTo(pool.GetSpan(to).Slice((int)destination));
}
