// Run-time ctl names of an open pool: statistics, allocation classes, stats.enabled, tx.cache.size (PMDK: libpmemobj/ctl_debug.c, stats.c, heap.c, tx.c CTL handlers).
using System.Globalization;
using Pmdk.Obj.Alloc;

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
/// snapshot cache to size); <c>heap.alloc_class.[n].desc</c> (read) and <c>heap.alloc_class.new.desc</c>
/// (write: adds a run class, returning its id).
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
            default:
                break;
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
                    return new ObjAllocClassDesc(c.UnitSize, c.Alignment, c.Geometry.NValues, c.Header, c.Id);
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
            default:
                throw Unknown(name, "writable");
        }
    }

    /// <summary>Adds a run allocation class. C: <c>heap.alloc_class.new.desc</c>.</summary>
    public ObjAllocClassDesc AddClass(ObjAllocClassDesc desc)
    {
        lock (_alloc.Heap.GlobalLock)
        {
            AllocationClass c = _alloc.Heap.Classes.AddCustom(desc.UnitSize, desc.UnitsPerBlock, desc.Header, desc.Alignment);
            return new ObjAllocClassDesc(c.UnitSize, c.Alignment, c.Geometry.NValues, c.Header, c.Id);
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
