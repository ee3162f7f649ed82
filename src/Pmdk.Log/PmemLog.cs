// pmemlog: a persistent append-only log in a pool file (PMDK: libpmemlog/log.c).
using Pmdk.Pool;

namespace Pmdk.Log;

/// <summary>
/// A pmemlog pool: an append-only byte log whose appends are atomic with respect to power failure. Thread-safe:
/// appends and rewinds take a writer lock, reads and walks a reader lock (as PMDK's rwlock). Across processes
/// the pool files are locked with <c>flock</c>, so a second opener gets <see cref="PmemErrorCode.PoolLocked"/>.
/// </summary>
/// <remarks>C: <c>PMEMlogpool</c>. Byte-compatible with PMDK 1.12.1 (spec §6).</remarks>
public sealed partial class PmemLog : IDisposable
{
    private readonly PoolReplica _replica;
    private readonly PoolMemory _memory;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly ulong _start;
    private readonly ulong _end;
    private bool _disposed;

    private PmemLog(PoolReplica replica)
    {
        _replica = replica;
        _memory = replica.Memory;
        _start = _memory.Read<ulong>(LogLayout.StartOffsetField);
        _end = _memory.Read<ulong>(LogLayout.EndOffsetField);
    }

    /// <summary>The pool file or set file.</summary>
    public string Path => _replica.Path;

    /// <summary>Whether an unknown ro_compat feature made the pool read-only (appends then fail).</summary>
    public bool IsReadOnly => _replica.IsReadOnly;

    /// <summary>Usable bytes of the log: <c>end_offset − start_offset</c>. C: <c>pmemlog_nbyte</c>.</summary>
    public long Capacity => (long)(_end - _start);

    /// <summary>Bytes appended so far: <c>write_offset − start_offset</c>. C: <c>pmemlog_tell</c>.</summary>
    public long WriteOffset
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                ThrowIfDisposed();
                return (long)(CurrentWrite - _start);
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>The pool header of part 0 (UUIDs, features, creation time).</summary>
    public PoolHeader Header => _replica.Header;

    /// <summary>The underlying replica (mapping, part files).</summary>
    internal PoolReplica Replica => _replica;

    private ulong CurrentWrite => Volatile.Read(ref _memory.Ref<ulong>(LogLayout.WriteOffsetField));

    /// <summary>Flushes nothing (every append is already durable), clears the shutdown state and closes the pool.</summary>
    /// <remarks>C: <c>pmemlog_close</c>.</remarks>
    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            if (_disposed)
                return;
            _disposed = true;
            _replica.Dispose();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
