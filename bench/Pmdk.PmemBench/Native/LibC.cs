// The few glibc calls the harness needs besides libpmem: setenv (seen by libpmem) and memcpy.
using System.Runtime.InteropServices;

namespace Pmdk.PmemBench.Native;

/// <summary>glibc entry points. <c>Environment.SetEnvironmentVariable</c> does not reach the native environment
/// on Unix, so the variables libpmem reads through getenv are set here.</summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc.so.6";

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial void* memcpy(void* dst, void* src, nuint len);

    [LibraryImport(Lib)]
    [SuppressGCTransition]
    public static partial void* memset(void* dst, int c, nuint len);

    /// <summary>Sets a variable in both the native and the managed environment.</summary>
    public static void SetEnvironment(string name, string value)
    {
        if (setenv(name, value, 1) != 0)
            throw new InvalidOperationException($"setenv({name}) failed: errno {Marshal.GetLastPInvokeError()}");
        Environment.SetEnvironmentVariable(name, value);
    }
}
