// ioctl and the FIEMAP extent query (linux/fiemap.h).
using System.Runtime.InteropServices;

namespace Pmdk.Interop;

internal static partial class Libc
{
    /// <summary>_IOWR('f', 11, struct fiemap).</summary>
    public const ulong FS_IOC_FIEMAP = 0xC020660B;

    /// <summary>Size of struct fiemap without its extent array.</summary>
    public const int FiemapHeaderSize = 32;

    /// <summary>Size of one struct fiemap_extent.</summary>
    public const int FiemapExtentSize = 56;

    [LibraryImport(LibName, SetLastError = true)]
    public static partial int ioctl(int fd, ulong request, ref byte argument);
}
