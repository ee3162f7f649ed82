// A typed persistent pointer (PMDK: include/libpmemobj/types.h TOID, libpmemobj++ persistent_ptr).
using System.Runtime.InteropServices;

namespace Pmdk.Obj.Typed;

/// <summary>
/// A persistent pointer to a <typeparamref name="T"/>: the same 16 bytes as <see cref="PmemOid"/> (so it can be
/// stored inside pool objects), converting implicitly to it. Dereference with
/// <see cref="TypedPoolExtensions.Ref{T}(ObjPool, PmemOid{T})"/>.
/// </summary>
/// <typeparam name="T">The pointed-to type.</typeparam>
/// <remarks>C: <c>TOID(T)</c></remarks>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public readonly record struct PmemOid<T>(PmemOid Oid) where T : unmanaged
{
    /// <summary>The null pointer. C: <c>TOID_NULL</c>.</summary>
    public static PmemOid<T> Null => default;

    /// <summary>Whether the pointer is null. C: <c>TOID_IS_NULL</c>.</summary>
    public bool IsNull => Oid.IsNull;

    /// <summary>The untyped OID.</summary>
    public static implicit operator PmemOid(PmemOid<T> oid) => oid.Oid;

    /// <summary>Types an OID (unchecked: the caller vouches for the type).</summary>
    public static explicit operator PmemOid<T>(PmemOid oid) => new(oid);

    /// <summary>Types an OID (unchecked).</summary>
    public static PmemOid<T> FromOid(PmemOid oid) => new(oid);

    /// <summary>The untyped OID.</summary>
    public PmemOid ToPmemOid() => Oid;

    /// <inheritdoc/>
    public override string ToString() => $"{typeof(T).Name}@{Oid}";
}
