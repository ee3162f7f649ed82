// pmemlog walk and the chunk enumerator (PMDK: libpmemlog/log.c pmemlog_walk).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pmdk.Pool;

namespace Pmdk.Log;

public sealed partial class PmemLog
{
    /// <summary>
    /// Calls <paramref name="callback"/> for the log's data: once with everything when <paramref name="chunkSize"/> is 0,
    /// otherwise for consecutive slices of at most <paramref name="chunkSize"/> bytes, stopping when it returns false.
    /// Holds the reader lock throughout, so the callback must not append or rewind.
    /// </summary>
    /// <remarks>C: <c>pmemlog_walk</c>.</remarks>
    public void Walk(ulong chunkSize, Func<ReadOnlySpan<byte>, bool> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var visitor = new DelegateVisitor(callback);
        Walk(chunkSize, ref visitor);
    }

    /// <summary>
    /// <see cref="Walk(ulong, Func{ReadOnlySpan{byte}, bool})"/> with a struct visitor instead of a delegate: the JIT
    /// specialises the loop for <typeparamref name="TVisitor"/> and can inline <see cref="ILogChunkVisitor.Visit"/>,
    /// so a walk in small chunks costs no indirect call per chunk. The visitor's state is updated in place.
    /// </summary>
    /// <remarks>C: <c>pmemlog_walk</c>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call runs a long loop: no tier-0 or on-stack-replacement code
    public void Walk<TVisitor>(ulong chunkSize, ref TVisitor visitor)
        where TVisitor : struct, ILogChunkVisitor
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            ulong write = CurrentWrite;
            if (chunkSize == 0)
            {
                visitor.Visit(_memory.GetSpan(_start, checked((int)(write - _start))));
                return;
            }
            if (write - _start <= int.MaxValue && chunkSize <= int.MaxValue)
            {
                // One bounds-checked span for the whole log, cut into chunks by WholeChunks.
                ReadOnlySpan<byte> all = _memory.GetSpan(_start, (int)(write - _start));
                WholeChunks(all, (int)chunkSize, ref visitor);
                return;
            }
            for (ulong off = _start; off < write;)
            {
                ulong n = Math.Min(chunkSize, write - off);
                if (!visitor.Visit(_memory.GetSpan(off, checked((int)n))))
                    return;
                off += n;
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Visits <paramref name="all"/> in chunks of <paramref name="chunk"/> bytes, the last one shorter. The visitor
    /// is copied into a local for the loop (its fields then live in registers instead of being reloaded through the
    /// reference after every call) and copied back at the end, also when a visit throws.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WholeChunks<TVisitor>(ReadOnlySpan<byte> all, int chunk, ref TVisitor visitor)
        where TVisitor : struct, ILogChunkVisitor
    {
        TVisitor local = visitor;
        try
        {
            // Whole chunks are cut without further checks: p + chunk <= end <= the end of all.
            ref byte p = ref MemoryMarshal.GetReference(all);
            ref byte end = ref Unsafe.Add(ref p, all.Length - all.Length % chunk);
            for (; Unsafe.IsAddressLessThan(ref p, ref end); p = ref Unsafe.Add(ref p, chunk))
            {
                if (!local.Visit(MemoryMarshal.CreateReadOnlySpan(ref p, chunk)))
                    return;
            }
            if (all.Length % chunk != 0)
                local.Visit(all[^(all.Length % chunk)..]);
        }
        finally
        {
            visitor = local;
        }
    }

    private readonly struct DelegateVisitor(Func<ReadOnlySpan<byte>, bool> callback) : ILogChunkVisitor
    {
        public bool Visit(ReadOnlySpan<byte> chunk) => callback(chunk);
    }

    /// <summary>
    /// Enumerates the log's data in chunks of at most <paramref name="chunkSize"/> bytes (0: one chunk with everything)
    /// without copying. The range is the one appended when this method was called; a concurrent
    /// <see cref="Rewind"/> followed by appends may overwrite bytes still being read.
    /// </summary>
    /// <remarks>C: <c>pmemlog_walk</c>.</remarks>
    public ChunkEnumerable Read(int chunkSize = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunkSize);
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return new ChunkEnumerable(_memory, _start, CurrentWrite, chunkSize);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The chunks of <see cref="Read"/>; use with <c>foreach</c>.</summary>
    public readonly ref struct ChunkEnumerable
    {
        private readonly PoolMemory _memory;
        private readonly ulong _start;
        private readonly ulong _end;
        private readonly int _chunk;

        internal ChunkEnumerable(PoolMemory memory, ulong start, ulong end, int chunk)
        {
            _memory = memory;
            _start = start;
            _end = end;
            _chunk = chunk;
        }

        /// <summary>The enumerator.</summary>
        public ChunkEnumerator GetEnumerator() => new(_memory, _start, _end, _chunk);
    }

    /// <summary>Yields consecutive spans of the log's data.</summary>
    public ref struct ChunkEnumerator
    {
        private readonly PoolMemory _memory;
        private readonly ulong _end;
        private readonly int _chunk;
        private ulong _next;

        internal ChunkEnumerator(PoolMemory memory, ulong start, ulong end, int chunk)
        {
            _memory = memory;
            _next = start;
            _end = end;
            _chunk = chunk;
        }

        /// <summary>The current chunk.</summary>
        public ReadOnlySpan<byte> Current { get; private set; }

        /// <summary>Advances to the next chunk.</summary>
        public bool MoveNext()
        {
            if (_next >= _end)
                return false;
            ulong n = _end - _next;
            if (_chunk > 0)
                n = Math.Min(n, (ulong)_chunk);
            Current = _memory.GetSpan(_next, checked((int)n));
            _next += n;
            return true;
        }
    }
}
