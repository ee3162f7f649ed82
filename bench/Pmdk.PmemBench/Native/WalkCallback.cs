// A native pmemlog_walk callback that memcpy()s each chunk into a DRAM buffer, as pmembench's log_process_data does (PMDK: benchmarks/log.cpp).
using System.Runtime.InteropServices;

namespace Pmdk.PmemBench.Native;

/// <summary>
/// <c>int cb(const void *buf, size_t len, void *arg) { memcpy(arg, buf, len); return 1; }</c> as 38 bytes of x86-64
/// machine code in an executable page. A C caller's callback is native code; a managed
/// <c>[UnmanagedCallersOnly]</c> callback would add a reverse-P/Invoke transition to every chunk, which dominates
/// a 64-byte chunk. The stub is checked once by calling it before use.
/// </summary>
internal sealed unsafe class WalkCallback : IDisposable
{
    private const nuint PageSize = 4096;
    private void* _page;

    public WalkCallback()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            throw new PlatformNotSupportedException("the walk callback stub is x86-64 machine code.");
        ulong memcpy = (ulong)NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "memcpy");
        byte[] code =
        [
            0x48, 0x83, 0xEC, 0x08,             // sub  rsp, 8          (align the stack for the call)
            0x48, 0x89, 0xF8,                   // mov  rax, rdi        (buf)
            0x48, 0x89, 0xD7,                   // mov  rdi, rdx        (dst = arg)
            0x48, 0x89, 0xF2,                   // mov  rdx, rsi        (n = len)
            0x48, 0x89, 0xC6,                   // mov  rsi, rax        (src = buf)
            0x48, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, // mov  rax, memcpy
            0xFF, 0xD0,                         // call rax
            0xB8, 0x01, 0x00, 0x00, 0x00,       // mov  eax, 1          (continue the walk)
            0x48, 0x83, 0xC4, 0x08,             // add  rsp, 8
            0xC3,                               // ret
        ];
        BitConverter.TryWriteBytes(code.AsSpan(18, 8), memcpy);
        void* page = LibC.mmap(null, PageSize, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        if (page == (void*)-1)
            throw new InvalidOperationException($"mmap: errno {Marshal.GetLastPInvokeError()}");
        _page = page;
        code.CopyTo(new Span<byte>(page, code.Length));
        if (LibC.mprotect(page, PageSize, LibC.PROT_READ | LibC.PROT_EXEC) != 0)
            throw new InvalidOperationException($"mprotect: errno {Marshal.GetLastPInvokeError()}");
        SelfTest();
    }

    /// <summary>The callback. SAFETY: valid until disposed.</summary>
    public delegate* unmanaged<void*, nuint, void*, int> Pointer => (delegate* unmanaged<void*, nuint, void*, int>)_page;

    private void SelfTest()
    {
        byte* src = stackalloc byte[100];
        byte* dst = stackalloc byte[100];
        for (int i = 0; i < 100; i++)
        {
            src[i] = (byte)(i + 1);
            dst[i] = 0;
        }
        int r = Pointer(src, 99, dst);
        if (r != 1 || !new ReadOnlySpan<byte>(src, 99).SequenceEqual(new ReadOnlySpan<byte>(dst, 99)) || dst[99] != 0)
            throw new InvalidOperationException("the walk callback stub failed its self-test.");
    }

    public void Dispose()
    {
        if (_page != null)
            _ = LibC.munmap(_page, PageSize);
        _page = null;
    }
}
