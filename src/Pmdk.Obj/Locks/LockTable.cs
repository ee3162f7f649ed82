// The run-id protocol of persistent locks and the DRAM side table of their volatile objects (PMDK: libpmemobj/sync.c get_lock, _get_value).
using System.Collections.Concurrent;
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Locks;

/// <summary>
/// Maps a lock's pool offset to its DRAM object. PMDK keeps a pthread object inside the lock's 56 spare bytes;
/// .NET monitors cannot live in mapped memory, so this table holds them instead, and the on-media
/// <c>runid</c> word is maintained exactly as PMDK does (spec §6.6): a lock whose runid differs from the pool's
/// run id is claimed by a CAS to <c>run_id − 1</c>, re-initialized, then set to <c>run_id</c>; other threads
/// spin while the runid is <c>run_id − 1</c>. Like PMDK the runid is not flushed: a stale value on media is
/// reset at the next open because every open adds 2 to the run id. A state that is held when its runid is
/// found stale (a transaction abort restored the lock's bytes, or <c>Zero</c> was called on a held lock) is
/// kept, so holders and waiters are never lost.
/// </summary>
internal sealed class LockTable
{
    private readonly ObjMemory _pool;
    private readonly ulong _runId;
    private readonly ConcurrentDictionary<ulong, LockState> _states = new();

    public LockTable(ObjMemory pool, ulong runId)
    {
        _pool = pool;
        _runId = runId;
    }

    /// <summary>The DRAM state of the lock at <paramref name="offset"/>, (re)initializing it for this run first.</summary>
    public T Get<T>(ulong offset) where T : LockState, new()
    {
        ref ulong runid = ref _pool.Word(offset);
        ulong current = _runId;
        ulong seen;
        int spins = 0;
        while ((seen = Volatile.Read(ref runid)) != current)
        {
            if (seen == current - 1)
            {
                Thread.SpinWait(++spins < 20 ? 1 << Math.Min(spins, 10) : 1);
                if (spins >= 20)
                    Thread.Yield();
                continue;
            }
            if (Interlocked.CompareExchange(ref runid, current - 1, seen) != seen)
                continue;
            _states.AddOrUpdate(offset, static _ => new T(), static (_, old) => old is T && old.IsBusy ? old : new T());
            Interlocked.CompareExchange(ref runid, current, current - 1);
        }
        LockState state = _states.GetOrAdd(offset, static _ => new T());
        if (state is T t)
            return t;
        if (state.IsBusy)
            throw new InvalidOperationException($"the persistent lock at pool offset 0x{offset:x} is in use as a {state.GetType().Name[..^5]}, not a {typeof(T).Name[..^5]}.");
        var fresh = new T();
        _states[offset] = fresh;
        return fresh;
    }

    /// <summary>The existing state of a lock being released, whatever its runid says now.</summary>
    public T Existing<T>(ulong offset) where T : LockState, new() =>
        _states.TryGetValue(offset, out LockState? s) && s is T t ? t : Get<T>(offset);

    /// <summary>Sets the runid to 0, durably. C: <c>pmemobj_mutex_zero</c> and friends.</summary>
    public void Zero(ulong offset) => _pool.StoreWord(offset, 0);
}
