// The few glibc calls the harness needs besides PMDK: setenv (seen by the C libraries), memcpy, memset, mmap for the walk stub.
using System.Runtime.InteropServices;

namespace Pmdk.PmemBench.Native;

/// <summary>glibc entry points. <c>Environment.SetEnvironmentVariable</c> does not reach the native environment
/// on Unix, so the variables libpmem reads through getenv are set here.</summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc.so.6";

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int unsetenv(string name);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial void* memcpy(void* dst, void* src, nuint len);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial void* memset(void* dst, int c, nuint len);

    public const int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    public const int MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial void* mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int mprotect(void* addr, nuint length, int prot);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int munmap(void* addr, nuint length);

    /// <summary>Sets a variable in both the native and the managed environment.</summary>
    public static void SetEnvironment(string name, string value)
    {
        if (setenv(name, value, 1) != 0)
            throw new InvalidOperationException($"setenv({name}) failed: errno {Marshal.GetLastPInvokeError()}");
        Environment.SetEnvironmentVariable(name, value);
    }

    /// <summary>Removes a variable from both the native and the managed environment.</summary>
    public static void UnsetEnvironment(string name)
    {
        if (unsetenv(name) != 0)
            throw new InvalidOperationException($"unsetenv({name}) failed: errno {Marshal.GetLastPInvokeError()}");
        Environment.SetEnvironmentVariable(name, null);
    }
}
