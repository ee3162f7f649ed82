// Per-map striped locks shared by every handle of the same map in a process (PMDK: libpmemobj-cpp concurrent_hash_map bucket locks).
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Pmdk.Obj.Collections;

/// <summary>The resize lock and the stripe locks of one persistent map.</summary>
internal sealed class MapLocks
{
    private static readonly ConditionalWeakTable<ObjPool, ConcurrentDictionary<ulong, MapLocks>> Table = new();

    private MapLocks(int stripes)
    {
        Stripes = new ReaderWriterLockSlim[stripes];
        for (int i = 0; i < stripes; i++)
            Stripes[i] = new ReaderWriterLockSlim(LockRecursionPolicy.SupportsRecursion);
    }

    /// <summary>Shared by everyone while the bucket array stays; exclusive for a rehash.</summary>
    public ReaderWriterLockSlim Resize { get; } = new(LockRecursionPolicy.SupportsRecursion);

    /// <summary>One lock per stripe of buckets.</summary>
    public ReaderWriterLockSlim[] Stripes { get; }

    /// <summary>The locks of the map at <paramref name="offset"/> in <paramref name="pool"/>.</summary>
    public static MapLocks For(ObjPool pool, ulong offset, int stripes = 64) =>
        Table.GetOrCreateValue(pool).GetOrAdd(offset, _ => new MapLocks(stripes));
}
