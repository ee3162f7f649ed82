// The run-id protocol of persistent locks and the DRAM side table of their volatile objects (PMDK: libpmemobj/sync.c get_lock, _get_value).
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
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
/// <para>
/// Fast path: every offset gets a stable slot number, and slot + 1 is stored (not flushed) in the 4 bytes after
/// the runid, where PMDK keeps its volatile pthread object; those bytes mean nothing across opens (C
/// re-initializes them when it sees a stale runid). A lookup whose runid is current reads the slot, bounds-checks
/// it and accepts the state only if it was made for this very offset, so stale or foreign bytes merely send it
/// down the slow path.
/// </para>
/// </summary>
internal sealed class LockTable
{
    private const int ChunkBits = 10;
    private const int ChunkSize = 1 << ChunkBits;

    private readonly ObjMemory _pool;
    private readonly ulong _runId;
    private readonly ConcurrentDictionary<ulong, int> _slotOf = new();
    private LockState?[]?[] _chunks = new LockState?[64][];
    private readonly Lock _lock = new();
    private int _slots;

    public LockTable(ObjMemory pool, ulong runId)
    {
        _pool = pool;
        _runId = runId;
    }

    /// <summary>The DRAM state of the lock at <paramref name="offset"/>, (re)initializing it for this run first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Get<T>(ulong offset) where T : LockState, new()
    {
        if (Volatile.Read(ref _pool.Word(offset)) == _runId && Cached(offset) is T t)
            return t;
        return GetSlow<T>(offset);
    }

    /// <summary>The existing state of a lock being released, whatever its runid says now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Existing<T>(ulong offset) where T : LockState, new() =>
        Cached(offset) as T ?? ExistingSlow<T>(offset);

    /// <summary>Sets the runid to 0, durably. C: <c>pmemobj_mutex_zero</c> and friends.</summary>
    public void Zero(ulong offset) => _pool.StoreWord(offset, 0);

    /// <summary>The state the slot number stored in the lock's spare bytes points to, if it was made for this offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private LockState? Cached(ulong offset)
    {
        uint slot = Volatile.Read(ref _pool.Ref<uint>(offset + 8)) - 1;
        LockState?[]?[] chunks = Volatile.Read(ref _chunks);
        if (slot >> ChunkBits >= (uint)chunks.Length)
            return null;
        LockState? s = chunks[slot >> ChunkBits]?[slot & (ChunkSize - 1)];
        return s is not null && s.Offset == offset ? s : null;
    }

    private T GetSlow<T>(ulong offset) where T : LockState, new()
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
            lock (_lock)
            {
                ref LockState? entry = ref Entry(offset);
                if (!(entry is T && entry.IsBusy))
                    entry = new T { Offset = offset };
            }
            Interlocked.CompareExchange(ref runid, current, current - 1);
        }
        T result;
        lock (_lock)
        {
            ref LockState? entry = ref Entry(offset);
            if (entry is T t)
            {
                result = t;
            }
            else
            {
                if (entry is not null && entry.IsBusy)
                    throw new InvalidOperationException($"the persistent lock at pool offset 0x{offset:x} is in use as a {entry.GetType().Name[..^5]}, not a {typeof(T).Name[..^5]}.");
                result = new T { Offset = offset };
                entry = result;
            }
            // The slot number for the fast path; only while the runid is current (a re-initializing thread owns the bytes otherwise).
            if (Volatile.Read(ref runid) == current)
                Volatile.Write(ref _pool.Ref<uint>(offset + 8), (uint)_slotOf[offset] + 1);
        }
        return result;
    }

    private T ExistingSlow<T>(ulong offset) where T : LockState, new()
    {
        if (_slotOf.TryGetValue(offset, out int slot) && Chunk(slot)[slot & (ChunkSize - 1)] is T t)
            return t;
        return Get<T>(offset);
    }

    /// <summary>The table entry of <paramref name="offset"/>, creating its slot. Called under <see cref="_lock"/>.</summary>
    private ref LockState? Entry(ulong offset)
    {
        if (!_slotOf.TryGetValue(offset, out int slot))
        {
            slot = _slots++;
            if (slot >> ChunkBits >= _chunks.Length)
            {
                // Readers of the old directory still reach the old chunks; new ones they see as misses (slow path).
                LockState?[]?[] grown = new LockState?[_chunks.Length * 2][];
                Array.Copy(_chunks, grown, _chunks.Length);
                Volatile.Write(ref _chunks, grown);
            }
            _chunks[slot >> ChunkBits] ??= new LockState?[ChunkSize];
            _slotOf[offset] = slot;
        }
        return ref Chunk(slot)[slot & (ChunkSize - 1)];
    }

    private LockState?[] Chunk(int slot) => Volatile.Read(ref _chunks)[slot >> ChunkBits]!;
}
