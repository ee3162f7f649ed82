// fstat/stat and the x86-64 glibc struct stat (sys/stat.h).
using System.Runtime.InteropServices;

namespace Pmdk.Interop;

/// <summary>struct stat of glibc on x86-64 (144 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 144)]
internal struct StatBuf
{
    [FieldOffset(0)] public ulong Dev;
    [FieldOffset(8)] public ulong Ino;
    [FieldOffset(16)] public ulong NLink;
    [FieldOffset(24)] public uint Mode;
    [FieldOffset(28)] public uint Uid;
    [FieldOffset(32)] public uint Gid;
    [FieldOffset(40)] public ulong RDev;
    [FieldOffset(48)] public long Size;
    [FieldOffset(56)] public long BlkSize;
    [FieldOffset(64)] public long Blocks;
    [FieldOffset(88)] public long MTimeSec;
    [FieldOffset(104)] public long CTimeSec;

    public const uint S_IFMT = 0xF000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFDIR = 0x4000;

    public readonly bool IsRegular => (Mode & S_IFMT) == S_IFREG;
    public readonly bool IsCharDevice => (Mode & S_IFMT) == S_IFCHR;
    public readonly bool IsDirectory => (Mode & S_IFMT) == S_IFDIR;

    /// <summary>gnu_dev_major of a dev_t.</summary>
    public static uint Major(ulong dev) => (uint)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffUL));

    /// <summary>gnu_dev_minor of a dev_t.</summary>
    public static uint Minor(ulong dev) => (uint)((dev & 0xff) | ((dev >> 12) & ~0xffUL));
}

internal static partial class Libc
{
    [LibraryImport(LibName, SetLastError = true)]
    public static partial int fstat(int fd, out StatBuf buf);

    [LibraryImport(LibName, EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int stat(string path, out StatBuf buf);
}
