// Run-time ctl names of an open pool: statistics, allocation classes, stats.enabled, tx.cache.size (PMDK: libpmemobj/ctl_debug.c, stats.c, heap.c, tx.c CTL handlers).
using System.Globalization;
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Heap;

namespace Pmdk.Obj.Ctl;

/// <summary>Whether statistics are collected. C: <c>enum pobj_stats_enabled</c>.</summary>
public enum ObjStatsEnabled
{
    /// <summary>In DRAM only (default). C: <c>POBJ_STATS_ENABLED_TRANSIENT</c>.</summary>
    Transient = 0,

    /// <summary>In DRAM and in the pool. C: <c>POBJ_STATS_ENABLED_BOTH</c>.</summary>
    Both = 1,

    /// <summary>In the pool. C: <c>POBJ_STATS_ENABLED_PERSISTENT</c>.</summary>
    Persistent = 2,

    /// <summary>Off. C: <c>POBJ_STATS_DISABLED</c>.</summary>
    Disabled = 3,
}

/// <summary>
/// The ctl namespace of an open pool. Supported names: <c>stats.heap.curr_allocated</c>,
/// <c>stats.heap.run_allocated</c>, <c>stats.heap.run_active</c> (read); <c>stats.enabled</c>,
/// <c>tx.cache.size</c> (read/write; recorded, this library always keeps transient statistics and has no
/// snapshot cache to size); <c>heap.alloc_class.[n].desc</c> (read; write: adds a run class with that id) and
/// <c>heap.alloc_class.new.desc</c> (write: adds a run class, returning its id); <c>heap.narenas.total</c>,
/// <c>heap.narenas.automatic</c> (read), <c>heap.thread.arena_id</c> and <c>heap.arena.[id].automatic</c>
/// (read/write), <c>heap.arena.[id].size</c> (read: bytes of the runs the arena owns now), <c>heap.arena.create</c>
/// (<see cref="Exec"/>).
/// </summary>
/// <remarks>C: <c>pmemobj_ctl_get</c>, <c>pmemobj_ctl_set</c></remarks>
public sealed class ObjPoolCtl
{
    private const string ClassPrefix = "heap.alloc_class.";
    private readonly ObjPool _pool;
    private readonly PAllocator _alloc;
    private ObjStatsEnabled _stats;
    private long _txCacheSize = 1 << 15;

    internal ObjPoolCtl(ObjPool pool, PAllocator alloc)
    {
        _pool = pool;
        _alloc = alloc;
    }

    /// <summary>Reads a ctl value: a <see cref="long"/>, an <see cref="ObjStatsEnabled"/> or an <see cref="ObjAllocClassDesc"/>.</summary>
    /// <exception cref="PmemException">Unknown or write-only name (<see cref="PmemErrorCode.InvalidArgument"/>).</exception>
    public object Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjHeapStatistics s;
        switch (name)
        {
            case "stats.heap.curr_allocated":
                s = _pool.Statistics;
                return s.CurrentAllocated;
            case "stats.heap.run_allocated":
                s = _pool.Statistics;
                return (long)s.RunAllocated;
            case "stats.heap.run_active":
                s = _pool.Statistics;
                return (long)s.RunActive;
            case "stats.enabled":
                return _stats;
            case "tx.cache.size":
                return _txCacheSize;
            case "heap.narenas.total":
                return (long)_alloc.Heap.Arenas.Count;
            case "heap.narenas.automatic":
                return (long)_alloc.Heap.Arenas.Count(a => a.Automatic);
            case "heap.thread.arena_id":
                return (long)_alloc.Heap.CurrentArena().Id;
            default:
                break;
        }
        if (TryArenaAutomatic(name, out Arena? arena))
            return arena.Automatic;
        if (TryArena(name, ".size", out arena))
        {
            lock (arena.Lock)
                return (long)arena.OwnedRunBytes();
        }
        if (name.StartsWith(ClassPrefix, StringComparison.Ordinal) && name.EndsWith(".desc", StringComparison.Ordinal))
        {
            string idText = name[ClassPrefix.Length..^".desc".Length];
            if (int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
            {
                lock (_alloc.SyncRoot)
                {
                    AllocationClass? c = _alloc.Heap.Classes[id];
                    if (c is null || c.Kind != AllocationClassKind.Run)
                        throw new PmemException(PmemErrorCode.InvalidArgument, $"ctl \"{name}\": no run allocation class {id}", _pool.Path);
                    return new ObjAllocClassDesc(c.UnitSize, c.Alignment, c.Geometry.NBits, c.Header, c.Id);
                }
            }
        }
        throw Unknown(name, "readable");
    }

    /// <summary>Writes a ctl value given in configuration syntax (as in <c>PMEMOBJ_CONF</c>).</summary>
    /// <returns>For <c>heap.alloc_class.new.desc</c> the new class (with its id); otherwise the value written.</returns>
    public object Set(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        switch (name)
        {
            case "stats.enabled":
                _stats = value switch
                {
                    "disabled" => ObjStatsEnabled.Disabled,
                    "transient" => ObjStatsEnabled.Transient,
                    "both" => ObjStatsEnabled.Both,
                    "persistent" => ObjStatsEnabled.Persistent,
                    _ => ObjCtlConfig.ParseBool(name, value) ? ObjStatsEnabled.Transient : ObjStatsEnabled.Disabled,
                };
                return _stats;
            case "tx.cache.size":
                long size = ObjCtlConfig.ParseInt(name, value);
                if (size < 0)
                    throw ObjCtlConfig.Invalid(name, value, "a non-negative size");
                _txCacheSize = size;
                return size;
            case "heap.alloc_class.new.desc":
                return AddClass(ObjCtlConfig.ParseAllocClass(name, value));
            case "heap.thread.arena_id":
                _alloc.Heap.SetThreadArena((int)ObjCtlConfig.ParseInt(name, value));
                return (long)_alloc.Heap.CurrentArena().Id;
            default:
                break;
        }
        if (TryArenaAutomatic(name, out Arena? arena))
        {
            bool automatic = ObjCtlConfig.ParseBool(name, value);
            lock (_alloc.Heap.GlobalLock)
            {
                if (!automatic && arena.Automatic && _alloc.Heap.Arenas.Count(a => a.Automatic) == 1)
                    throw new PmemException(PmemErrorCode.InvalidArgument, $"ctl \"{name}\": at least one arena must stay automatic", _pool.Path);
                arena.Automatic = automatic;
            }
            return automatic;
        }
        if (name.StartsWith(ClassPrefix, StringComparison.Ordinal) && name.EndsWith(".desc", StringComparison.Ordinal)
            && int.TryParse(name[ClassPrefix.Length..^".desc".Length], NumberStyles.None, CultureInfo.InvariantCulture, out int id))
        {
            ObjAllocClassDesc d = ObjCtlConfig.ParseAllocClass(name, value);
            return AddClass(d with { ClassId = id });
        }
        throw Unknown(name, "writable");
    }

    /// <summary>Runs a ctl action: <c>heap.arena.create</c> returns the new arena's id. C: <c>pmemobj_ctl_exec</c>.</summary>
    public object Exec(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "heap.arena.create" => (long)_alloc.Heap.CreateArena(),
            _ => throw Unknown(name, "executable"),
        };
    }

    private bool TryArenaAutomatic(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Arena? arena) =>
        TryArena(name, ".automatic", out arena);

    private bool TryArena(string name, string suffix, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Arena? arena)
    {
        arena = null;
        const string prefix = "heap.arena.";
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(suffix, StringComparison.Ordinal)
            || !int.TryParse(name[prefix.Length..^suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out int id))
            return false;
        arena = _alloc.ArenaForId(id);
        return true;
    }

    /// <summary>
    /// Adds a run allocation class: at <see cref="ObjAllocClassDesc.ClassId"/> when it is not 0, else at the next
    /// free id. Classes are not persistent: register them after every open. C: <c>heap.alloc_class.[id].desc</c>,
    /// <c>heap.alloc_class.new.desc</c>.
    /// </summary>
    /// <exception cref="PmemException">The id is taken or invalid, or the description is (<see cref="PmemErrorCode.InvalidArgument"/>).</exception>
    public ObjAllocClassDesc AddClass(ObjAllocClassDesc desc)
    {
        lock (_alloc.Heap.GlobalLock)
        {
            AllocationClass c;
            try
            {
                c = _alloc.Heap.Classes.AddCustom(desc.UnitSize, desc.UnitsPerBlock, desc.Header, desc.Alignment, desc.ClassId == 0 ? -1 : desc.ClassId);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw new PmemException(PmemErrorCode.InvalidArgument, $"allocation class: {e.Message}", _pool.Path);
            }
            return new ObjAllocClassDesc(c.UnitSize, c.Alignment, c.Geometry.NBits, c.Header, c.Id);
        }
    }

    /// <summary>Applies configuration entries other than the option-level ones (see <see cref="ObjCtlConfig.ApplyTo"/>).</summary>
    public void Apply(IEnumerable<KeyValuePair<string, string>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach ((string name, string value) in entries)
        {
            if (!ObjCtlConfig.IsOptionName(name))
                Set(name, value);
        }
    }

    private PmemException Unknown(string name, string how) =>
        new(PmemErrorCode.InvalidArgument, $"unknown or not {how} ctl \"{name}\"", _pool.Path);
}
