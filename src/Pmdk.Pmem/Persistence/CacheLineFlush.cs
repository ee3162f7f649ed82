// The only place that emits cache-line flush instructions (PMDK: libpmem2/x86_64/flush.h).
using System.Runtime.CompilerServices;
using Pmdk.Interop;
using Pmdk.Pmem.Detection;

namespace Pmdk.Pmem.Persistence;

/// <summary>
/// Flushes address ranges with CLWB, CLFLUSHOPT or CLFLUSH.
/// </summary>
/// <remarks>
/// .NET 10 has no intrinsic for these instructions, so each is a 22–24 byte x86-64 routine written once
/// into a private page that is then made read+execute, and called through an unmanaged function pointer
/// with <c>SuppressGCTransition</c> (it neither blocks nor calls back). A routine flushes a whole range in
/// one call: <c>void flush(void* addr, size_t len)</c> walks every 64-byte line that overlaps
/// [addr, addr+len), exactly like PMDK's <c>flush_clwb_nolog</c> loops.
/// SAFETY: callers pass a range inside a live mapping.
/// </remarks>
internal static unsafe class CacheLineFlush
{
    public const int LineSize = 64;

    // lea rsi,[rdi+rsi]; and rdi,-64; loop: cmp rdi,rsi; jae done; <flush [rdi]>; add rdi,64; jmp loop; done: ret
    private static ReadOnlySpan<byte> ClwbRoutine =>
    [
        0x48, 0x8D, 0x34, 0x37,       // lea  rsi, [rdi+rsi]      end = addr + len
        0x48, 0x83, 0xE7, 0xC0,       // and  rdi, -64            align down to the line
        0x48, 0x39, 0xF7,             // cmp  rdi, rsi
        0x73, 0x0A,                   // jae  done (+10)
        0x66, 0x0F, 0xAE, 0x37,       // clwb [rdi]
        0x48, 0x83, 0xC7, 0x40,       // add  rdi, 64
        0xEB, 0xF1,                   // jmp  loop (-15)
        0xC3,                         // ret
    ];

    private static ReadOnlySpan<byte> ClflushOptRoutine =>
    [
        0x48, 0x8D, 0x34, 0x37,
        0x48, 0x83, 0xE7, 0xC0,
        0x48, 0x39, 0xF7,
        0x73, 0x0A,
        0x66, 0x0F, 0xAE, 0x3F,       // clflushopt [rdi]
        0x48, 0x83, 0xC7, 0x40,
        0xEB, 0xF1,
        0xC3,
    ];

    private static ReadOnlySpan<byte> ClflushRoutine =>
    [
        0x48, 0x8D, 0x34, 0x37,
        0x48, 0x83, 0xE7, 0xC0,
        0x48, 0x39, 0xF7,
        0x73, 0x09,                   // jae done (+9)
        0x0F, 0xAE, 0x3F,             // clflush [rdi]
        0x48, 0x83, 0xC7, 0x40,
        0xEB, 0xF2,                   // jmp loop (-14)
        0xC3,
    ];

    private static ReadOnlySpan<byte> NoFlushRoutine => [0xC3]; // ret: caches are persistent or flushing is off

    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, nuint, void> s_none;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, nuint, void> s_clwb;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, nuint, void> s_clflushOpt;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, nuint, void> s_clflush;

    static CacheLineFlush()
    {
        if (!System.Runtime.Intrinsics.X86.X86Base.X64.IsSupported)
            return;
        CpuFeatures cpu = CpuFeatures.Current;
        byte* page = AllocateCodePage();
        if (page == null)
            return;
        int at = 0;
        s_none = (delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, nuint, void>)Emit(page, ref at, NoFlushRoutine);
        if (cpu.Clwb)
            s_clwb = (delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, nuint, void>)Emit(page, ref at, ClwbRoutine);
        if (cpu.ClflushOpt)
            s_clflushOpt = (delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, nuint, void>)Emit(page, ref at, ClflushOptRoutine);
        if (cpu.Clflush)
            s_clflush = (delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, nuint, void>)Emit(page, ref at, ClflushRoutine);
        // W^X: the page is writable only until the routines are in place.
        if (Libc.mprotect((nint)page, (nuint)Libc.PageSize, Libc.PROT_READ | Libc.PROT_EXEC) != 0)
        {
            s_none = s_clwb = s_clflushOpt = s_clflush = null;
        }
    }

    /// <summary>Whether <paramref name="instruction"/> can be executed here.</summary>
    public static bool IsAvailable(FlushInstruction instruction) => instruction switch
    {
        FlushInstruction.None => true,
        FlushInstruction.Clwb => s_clwb != null,
        FlushInstruction.ClflushOpt => s_clflushOpt != null,
        FlushInstruction.Clflush => s_clflush != null,
        _ => false,
    };

    /// <summary>
    /// The routine of an instruction, resolved once per mapping so that hot paths make one indirect call and no
    /// switch. <see cref="FlushInstruction.None"/> (and any routine missing on this CPU) resolves to a bare <c>ret</c>.
    /// </summary>
    public static FlushRoutine Resolve(FlushInstruction instruction)
    {
        var routine = instruction switch
        {
            FlushInstruction.Clwb => s_clwb,
            FlushInstruction.ClflushOpt => s_clflushOpt,
            FlushInstruction.Clflush => s_clflush,
            _ => s_none,
        };
        return new FlushRoutine(routine != null ? routine : s_none);
    }

    /// <summary>Writes back every line overlapping [address, address+length) with the given instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Flush(FlushInstruction instruction, byte* address, nuint length)
    {
        switch (instruction)
        {
            case FlushInstruction.Clwb: s_clwb(address, length); break;
            case FlushInstruction.ClflushOpt: s_clflushOpt(address, length); break;
            case FlushInstruction.Clflush: s_clflush(address, length); break;
            default: break;
        }
    }

    private static byte* AllocateCodePage()
    {
        nint p = Libc.mmap(0, (nuint)Libc.PageSize, Libc.PROT_READ | Libc.PROT_WRITE,
            Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        return p == Libc.MAP_FAILED ? null : (byte*)p;
    }

    private static byte* Emit(byte* page, ref int at, ReadOnlySpan<byte> code)
    {
        byte* start = page + at;
        code.CopyTo(new Span<byte>(start, code.Length));
        at += (code.Length + 15) & ~15; // keep every routine 16-byte aligned
        return start;
    }
}

/// <summary>A resolved flush routine: <c>void flush(void* addr, size_t len)</c>, or a no-op.</summary>
/// <remarks>SAFETY: callers pass a range inside a live mapping.</remarks>
internal readonly unsafe struct FlushRoutine
{
    private readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, nuint, void> _routine;

    public FlushRoutine(delegate* unmanaged[Cdecl, SuppressGCTransition]<byte*, nuint, void> routine) => _routine = routine;

    /// <summary>Flushes every line overlapping [address, address+length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(byte* address, nuint length)
    {
        if (_routine != null)
            _routine(address, length);
    }
}
