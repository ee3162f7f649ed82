// Owner of one mmap'ed range: ReleaseHandle() is munmap, as in the runtime's SafeMemoryMappedViewHandle.
using System.Runtime.InteropServices;
using Pmdk.Interop;

namespace Pmdk;

/// <summary>
/// Owns a mapped address range and unmaps it when released.
/// SAFETY: the handle value is the start address; <see cref="ByteLength"/> is the exact length passed to mmap.
/// Users that read through the address must hold a reference (DangerousAddRef) or keep the owner alive.
/// </summary>
public sealed class SafeMappingHandle : SafeHandle
{
    /// <summary>Wraps an existing mapping. The handle takes ownership and will munmap it.</summary>
    internal SafeMappingHandle(nint address, nuint length)
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
        SetHandle(address);
        ByteLength = length;
    }

    /// <summary>Length of the mapped range in bytes.</summary>
    public nuint ByteLength { get; }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0 || handle == Libc.MAP_FAILED;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Libc.munmap(handle, ByteLength) == 0;
}
