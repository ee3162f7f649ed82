// The persistent object identifier (PMDK: include/libpmemobj/base.h PMEMoid).
using System.Runtime.InteropServices;

namespace Pmdk.Obj;

/// <summary>
/// A persistent pointer: <c>{pool_uuid_lo, off}</c>, 16 bytes, byte-compatible with C's <c>PMEMoid</c>, so it may
/// be stored inside pool objects. <see cref="Offset"/> is the object's user-data offset from the pool start.
/// </summary>
/// <remarks>C: <c>PMEMoid</c></remarks>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public readonly record struct PmemOid(ulong PoolUuidLo, ulong Offset)
{
    /// <summary>The null OID <c>{0, 0}</c>. C: <c>OID_NULL</c>.</summary>
    public static PmemOid Null => default;

    /// <summary>Whether the OID is null (offset 0, whatever the uuid). C: <c>OID_IS_NULL</c>.</summary>
    public bool IsNull => Offset == 0;

    /// <inheritdoc/>
    public override string ToString() => $"{{0x{PoolUuidLo:x16}, 0x{Offset:x}}}";
}

/// <summary>Initializes a newly allocated object before it becomes visible. Throwing cancels the allocation.</summary>
/// <param name="data">The object's usable bytes; the pool flushes them afterwards.</param>
/// <remarks>C: <c>pmemobj_constr</c></remarks>
public delegate void ObjectConstructor(Span<byte> data);
