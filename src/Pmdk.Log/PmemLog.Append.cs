// pmemlog append, appendv and rewind (PMDK: libpmemlog/log.c pmemlog_append, pmemlog_appendv, pmemlog_rewind).
using System.Runtime.InteropServices;
using Pmdk.Pmem;

namespace Pmdk.Log;

public sealed partial class PmemLog
{
    /// <summary>
    /// How appended bytes are copied: flushed but not fenced (one fence in <see cref="CommitAppend"/> covers them),
    /// and with non-temporal stores whatever the size. An append writes lines the CPU has not cached; a regular store
    /// first reads each of them from memory, a non-temporal one does not. On the development VM a 64-byte append
    /// took 236 ns this way and 302 ns with a store and a flush (libpmem uses regular stores below 256 bytes).
    /// <c>PMEM_NO_MOVNT=1</c> still turns non-temporal stores off.
    /// </summary>
    private const PmemFlags AppendFlags = PmemFlags.NoDrain | PmemFlags.NonTemporal;

    /// <summary>
    /// Appends <paramref name="data"/> atomically: the bytes are made durable first, then <c>write_offset</c> moves
    /// past them in one 8-byte store. A crash leaves either the old or the new log, never a partial append.
    /// </summary>
    /// <exception cref="PoolFullException">Not enough room; nothing was written (C: <c>ENOSPC</c>).</exception>
    /// <exception cref="PmemException">The pool is read-only (C: <c>EROFS</c>).</exception>
    /// <remarks>C: <c>pmemlog_append</c>.</remarks>
    public void Append(ReadOnlySpan<byte> data)
    {
        _lock.EnterWriteLock();
        try
        {
            ulong write = BeginAppend((ulong)data.Length);
            if (data.Length != 0)
                _memory.Persistence.Copy(write, data, AppendFlags);
            CommitAppend(write + (ulong)data.Length);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Appends several buffers as one atomic append: all of them or none.</summary>
    /// <remarks>C: <c>pmemlog_appendv</c>.</remarks>
    public void AppendV(params ReadOnlySpan<ReadOnlyMemory<byte>> buffers)
    {
        ulong total = 0;
        foreach (ReadOnlyMemory<byte> b in buffers)
            total += (ulong)b.Length;
        _lock.EnterWriteLock();
        try
        {
            ulong write = BeginAppend(total);
            ulong at = write;
            foreach (ReadOnlyMemory<byte> b in buffers)
            {
                if (b.Length == 0)
                    continue;
                _memory.Persistence.Copy(at, b.Span, AppendFlags);
                at += (ulong)b.Length;
            }
            CommitAppend(at);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Appends the buffers of a list as one atomic append.</summary>
    /// <remarks>C: <c>pmemlog_appendv</c>.</remarks>
    public void AppendV(IReadOnlyList<ReadOnlyMemory<byte>> buffers)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        switch (buffers)
        {
            case ReadOnlyMemory<byte>[] array:
                AppendV(array.AsSpan());
                break;
            case List<ReadOnlyMemory<byte>> list:
                AppendV(CollectionsMarshal.AsSpan(list));
                break;
            default:
                AppendV(buffers.ToArray().AsSpan());
                break;
        }
    }

    /// <summary>Empties the log (the data is not erased): <c>write_offset = start_offset</c>, made durable.</summary>
    /// <remarks>C: <c>pmemlog_rewind</c>.</remarks>
    public void Rewind()
    {
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            ThrowIfReadOnly();
            StoreWriteOffset(_start);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private ulong BeginAppend(ulong count)
    {
        ThrowIfDisposed();
        ThrowIfReadOnly();
        ulong write = CurrentWrite;
        if (write >= _end || count > _end - write)
        {
            throw new PoolFullException(
                $"not enough space in the log: {count} bytes requested, {(write >= _end ? 0 : _end - write)} free (capacity {Capacity})", Path);
        }
        return write;
    }

    private void CommitAppend(ulong newWrite)
    {
        // The data was copied with NoDrain (flushed, not fenced): one fence orders it before the offset store.
        _memory.Persistence.Drain();
        StoreWriteOffset(newWrite);
    }

    private void StoreWriteOffset(ulong value)
    {
        // One aligned 8-byte store, then flush + fence of that field.
        Volatile.Write(ref _memory.Ref<ulong>(LogLayout.WriteOffsetField), value);
        _memory.Persistence.Persist(LogLayout.WriteOffsetField, sizeof(ulong));
    }

    private void ThrowIfReadOnly()
    {
        if (IsReadOnly)
            throw new PmemException(PmemErrorCode.AccessDenied, "the pool is read-only (unknown ro_compat features)", Path);
    }
}
