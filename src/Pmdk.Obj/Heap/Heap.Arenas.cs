// Arenas: per-thread sets of buckets, each with its own lock and active runs; threads go to the least used arena (PMDK: libpmemobj/heap.c heap_thread_arena, arenas.c).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pmdk.Obj.Alloc;

namespace Pmdk.Obj.Heap;

/// <summary>
/// An arena: one bucket per allocation class (its active run) behind one lock, and the statistics deltas of
/// the threads assigned to it. Threads on different arenas reserve blocks without touching a shared lock.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal sealed class Arena
{
#pragma warning disable CS0169, IDE0051 // padding: arenas are written by different cores
    private readonly long _pad0, _pad1, _pad2, _pad3, _pad4, _pad5, _pad6, _pad7;
#pragma warning restore CS0169, IDE0051

    public Arena(int id, bool automatic)
    {
        Id = id;
        Automatic = automatic;
    }

    /// <summary>1-based id, as in <c>heap.thread.arena_id</c>.</summary>
    public int Id { get; }

    /// <summary>Whether threads are assigned to it automatically. C: <c>heap.arena.[id].automatic</c>.</summary>
    public bool Automatic { get; set; }

    /// <summary>Guards the buckets.</summary>
    public readonly Lock Lock = new();

    /// <summary>Active run of each class's bucket.</summary>
    public readonly RunInfo?[] Active = new RunInfo?[AllocationClassCollection.MaxClasses];

    /// <summary>Bytes of the runs its buckets own now (whole chunks). Caller holds <see cref="Lock"/>. C: <c>heap.arena.[id].size</c>.</summary>
    public ulong OwnedRunBytes()
    {
        ulong bytes = 0;
        foreach (RunInfo? r in Active)
        {
            if (r is not null)
                bytes += r.SizeIdx * HeapLayout.ChunkSize;
        }
        return bytes;
    }

    /// <summary>Threads assigned to the arena.</summary>
    public int Threads;

    /// <summary>Bytes allocated minus freed by its threads (heap.curr_allocated part).</summary>
    public long CurrAllocated;

    /// <summary>Run bytes allocated minus freed by its threads (heap.run_allocated part).</summary>
    public long RunAllocated;

#pragma warning disable CS0169, IDE0051
    private readonly long _pad8, _pad9, _pad10, _pad11, _pad12, _pad13, _pad14, _pad15;
#pragma warning restore CS0169, IDE0051
}

internal sealed partial class Heap
{
    /// <summary>Most arenas a heap may have. C: <c>MAX_ARENAS</c>-like limit.</summary>
    public const int MaxArenas = 1024;

    [ThreadStatic]
    private static Heap? t_heap;

    [ThreadStatic]
    private static Arena? t_arena;

    // The thread's arena per heap (weak keys: a closed pool's heap is not kept alive by its threads).
    [ThreadStatic]
    private static ConditionalWeakTable<Heap, ArenaLease>? t_arenas;

    private Arena[] _arenas;

    /// <summary>
    /// A thread's assignment to an arena. When the thread ends, its statics die and the finalizer gives the slot
    /// back, so "least used" counts live threads (PMDK decrements in the thread-key destructor).
    /// </summary>
    private sealed class ArenaLease(Arena arena)
    {
        public Arena Arena { get; set; } = arena;

        ~ArenaLease() => Interlocked.Decrement(ref Arena.Threads);
    }

    /// <summary>All arenas (automatic and explicitly created).</summary>
    public IReadOnlyList<Arena> Arenas => Volatile.Read(ref _arenas);

    /// <summary>The arena of the calling thread: assigned on first use to the automatic arena with the fewest threads. C: <c>heap_thread_arena</c>.</summary>
    public Arena CurrentArena() => t_heap == this ? t_arena! : AssignArena();

    private Arena AssignArena()
    {
        ConditionalWeakTable<Heap, ArenaLease> table = t_arenas ??= [];
        if (!table.TryGetValue(this, out ArenaLease? lease))
        {
            Arena? a = null;
            lock (_global)
            {
                foreach (Arena c in _arenas)
                {
                    if (c.Automatic && (a is null || Volatile.Read(ref c.Threads) < Volatile.Read(ref a.Threads)))
                        a = c;
                }
                a ??= _arenas[0];
                Interlocked.Increment(ref a.Threads);
            }
            lease = new ArenaLease(a);
            table.AddOrUpdate(this, lease);
        }
        t_heap = this;
        t_arena = lease.Arena;
        return lease.Arena;
    }

    /// <summary>Moves the calling thread to arena <paramref name="id"/> (1-based). C: <c>heap.thread.arena_id</c> (write).</summary>
    public void SetThreadArena(int id)
    {
        Arena[] all = Volatile.Read(ref _arenas);
        if (id < 1 || id > all.Length)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"arena id {id} does not exist (1..{all.Length})", _pool.Path);
        CurrentArena();
        ArenaLease lease = t_arenas!.GetValue(this, static _ => throw new InvalidOperationException("no arena lease"));
        Arena a = all[id - 1];
        Interlocked.Decrement(ref lease.Arena.Threads);
        Interlocked.Increment(ref a.Threads);
        lease.Arena = a;
        t_heap = this;
        t_arena = a;
    }

    /// <summary>Adds an arena (not automatic). C: <c>heap.arena.create</c>.</summary>
    public int CreateArena()
    {
        lock (_global)
        {
            if (_arenas.Length >= MaxArenas)
                throw new PmemException(PmemErrorCode.InvalidArgument, $"no more than {MaxArenas} arenas", _pool.Path);
            var a = new Arena(_arenas.Length + 1, automatic: false);
            Volatile.Write(ref _arenas, [.. _arenas, a]);
            return a.Id;
        }
    }

    /// <summary>Sum of the arenas' allocated-bytes deltas.</summary>
    public long CurrAllocatedSum()
    {
        long sum = 0;
        foreach (Arena a in Volatile.Read(ref _arenas))
            sum += Volatile.Read(ref a.CurrAllocated);
        return sum;
    }

    private static Arena[] CreateArenas()
    {
        int n = Math.Clamp(Environment.ProcessorCount, 1, MaxArenas);
        var arenas = new Arena[n];
        for (int i = 0; i < n; i++)
            arenas[i] = new Arena(i + 1, automatic: true);
        return arenas;
    }
}
