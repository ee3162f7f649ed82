// memmove/memset into persistent memory without the final drain (PMDK: libpmem2/x86_64/memcpy_nt_*.c, memset_nt_*.c).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Pmdk.Pmem.Detection;
using Pmdk.Pmem.Persistence;

namespace Pmdk.Pmem.MemoryOps;

/// <summary>
/// Persistent memmove and memset: regular stores plus cache flushes below the non-temporal threshold,
/// non-temporal stores for the 64-byte-aligned body above it (head and tail use regular stores plus
/// flushes). None of them drains; callers fence once per operation.
/// </summary>
/// <remarks>SAFETY: all pointers address live memory of at least <c>length</c> bytes.</remarks>
internal static unsafe class PmemMemory
{
    private const nuint Line = CacheLineFlush.LineSize;

    /// <summary>Store fence: orders flushes and non-temporal stores before what follows (SFENCE).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Drain()
    {
        if (Sse.IsSupported)
            Sse.StoreFence();
        else
            Interlocked.MemoryBarrier();
    }

    /// <summary>memmove then persist per flags, without draining. Overlap is allowed in both directions.</summary>
    public static void MoveNoDrain(byte* dst, byte* src, nuint length, PmemFlags flags, in PersistenceProfile profile, FlushRoutine flush)
    {
        if (length == 0 || dst == src)
            return;
        if ((flags & PmemFlags.NoFlush) != 0)
        {
            Buffer.MemoryCopy(src, dst, length, length);
            return;
        }
        if (!profile.UsesNonTemporal(length, flags))
        {
            Buffer.MemoryCopy(src, dst, length, length);
            flush.Invoke(dst, length);
            return;
        }
        switch (profile.Isa)
        {
            case CopyIsa.Avx512F: MoveNonTemporal<Avx512Lane>(dst, src, length, flush); break;
            case CopyIsa.Avx: MoveNonTemporal<AvxLane>(dst, src, length, flush); break;
            default: MoveNonTemporal<Sse2Lane>(dst, src, length, flush); break;
        }
    }

    /// <summary>memset then persist per flags, without draining.</summary>
    public static void FillNoDrain(byte* dst, byte value, nuint length, PmemFlags flags, in PersistenceProfile profile, FlushRoutine flush)
    {
        if (length == 0)
            return;
        if ((flags & PmemFlags.NoFlush) != 0)
        {
            Fill(dst, value, length);
            return;
        }
        if (!profile.UsesNonTemporal(length, flags))
        {
            Fill(dst, value, length);
            flush.Invoke(dst, length);
            return;
        }
        switch (profile.Isa)
        {
            case CopyIsa.Avx512F: FillNonTemporal<Avx512Lane>(dst, value, length, flush); break;
            case CopyIsa.Avx: FillNonTemporal<AvxLane>(dst, value, length, flush); break;
            default: FillNonTemporal<Sse2Lane>(dst, value, length, flush); break;
        }
    }

    /// <summary>Plain memset for any length (native-sized).</summary>
    public static void Fill(byte* dst, byte value, nuint length)
    {
        while (length > int.MaxValue)
        {
            new Span<byte>(dst, int.MaxValue).Fill(value);
            dst += int.MaxValue;
            length -= int.MaxValue;
        }
        new Span<byte>(dst, (int)length).Fill(value);
    }

    private static void MoveNonTemporal<TLane>(byte* dst, byte* src, nuint length, FlushRoutine flush)
        where TLane : struct, INonTemporalLane
    {
        bool backward = dst > src && dst < src + length;
        if (!backward)
        {
            nuint head = Math.Min((Line - ((nuint)dst & (Line - 1))) & (Line - 1), length);
            if (head != 0)
            {
                Buffer.MemoryCopy(src, dst, head, head);
                flush.Invoke(dst, head);
                dst += head; src += head; length -= head;
            }
            while (length >= 4 * Line)
            {
                TLane.Copy64(dst, src);
                TLane.Copy64(dst + 64, src + 64);
                TLane.Copy64(dst + 128, src + 128);
                TLane.Copy64(dst + 192, src + 192);
                dst += 4 * Line; src += 4 * Line; length -= 4 * Line;
            }
            while (length >= Line)
            {
                TLane.Copy64(dst, src);
                dst += Line; src += Line; length -= Line;
            }
            if (length != 0)
            {
                Buffer.MemoryCopy(src, dst, length, length);
                flush.Invoke(dst, length);
            }
            return;
        }

        // Destination above an overlapping source: copy from the end so no source byte is overwritten unread.
        nuint tail = Math.Min((nuint)(dst + length) & (Line - 1), length);
        if (tail != 0)
        {
            length -= tail;
            Buffer.MemoryCopy(src + length, dst + length, tail, tail);
            flush.Invoke(dst + length, tail);
        }
        while (length >= Line)
        {
            length -= Line;
            TLane.Copy64(dst + length, src + length);
        }
        if (length != 0)
        {
            Buffer.MemoryCopy(src, dst, length, length);
            flush.Invoke(dst, length);
        }
    }

    private static void FillNonTemporal<TLane>(byte* dst, byte value, nuint length, FlushRoutine flush)
        where TLane : struct, INonTemporalLane
    {
        nuint head = Math.Min((Line - ((nuint)dst & (Line - 1))) & (Line - 1), length);
        if (head != 0)
        {
            Fill(dst, value, head);
            flush.Invoke(dst, head);
            dst += head; length -= head;
        }
        // Broadcast after the head's calls and use it before the tail's: the vector then lives only across
        // call-free loops and stays in a register instead of being spilled and reloaded every iteration.
        Vector512<byte> v = Vector512.Create(value);
        while (length >= 4 * Line)
        {
            TLane.Fill64(dst, v);
            TLane.Fill64(dst + 64, v);
            TLane.Fill64(dst + 128, v);
            TLane.Fill64(dst + 192, v);
            dst += 4 * Line; length -= 4 * Line;
        }
        while (length >= Line)
        {
            TLane.Fill64(dst, v);
            dst += Line; length -= Line;
        }
        if (length != 0)
        {
            Fill(dst, value, length);
            flush.Invoke(dst, length);
        }
    }
}
