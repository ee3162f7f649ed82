// A transactional chained hash map in pool memory with striped locks (PMDK: libpmemobj-cpp container/concurrent_hash_map.hpp; examples/libpmemobj/hashmap/hashmap_tx.c).
using System.Collections;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pmdk.Obj.Tx;
using Pmdk.Obj.Typed;

namespace Pmdk.Obj.Collections;

/// <summary>The on-media header of a <see cref="PersistentHashMap{TKey, TValue}"/>: 56 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct HashMapHeader
{
    public ulong BucketCount;
    public ulong Seed;
    public PmemOid Buckets;
    public PmemOid Counts;
    public uint KeySize;
    public uint ValueSize;
}

/// <summary>One chained entry.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct HashEntry<TKey, TValue> where TKey : unmanaged where TValue : unmanaged
{
    public PmemOid Next;
    public ulong Hash;
    public TKey Key;
    public TValue Value;
}

/// <summary>
/// A hash map of unmanaged keys and values in a pool: an array of buckets (a power of two) with chained entries,
/// doubled by a transactional rehash when the load passes 1. Keys compare by their bytes and hash with a stable
/// seeded 64-bit hash. Every change is transactional. Thread-safe within a process: readers and writers of
/// different stripes (buckets mod 64) run in parallel, a rehash excludes everyone; all handles to the same map
/// share the locks. When a change runs inside a caller's transaction the stripe stays locked until that
/// transaction ends (so no other thread sees uncommitted data); two threads that each change several keys in
/// their own long transactions can then deadlock, so keep such transactions to one thread or one key each.
/// A rehash is deferred while the calling thread is in a transaction.
/// </summary>
/// <typeparam name="TKey">Key type, compared bytewise.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
/// <remarks>C++: <c>pmem::obj::concurrent_hash_map</c></remarks>
public sealed partial class PersistentHashMap<TKey, TValue> : IEnumerable<KeyValuePair<TKey, TValue>>
    where TKey : unmanaged where TValue : unmanaged
{
    /// <summary>Number of lock stripes (and per-stripe counters); also the minimum bucket count.</summary>
    public const int StripeCount = 64;
    private const ulong CounterStride = 64; // one cache line per stripe counter
    private static readonly ulong EntrySize = (ulong)Unsafe.SizeOf<HashEntry<TKey, TValue>>();
    private readonly ObjPool _pool;
    private readonly MapLocks _locks;

    private PersistentHashMap(ObjPool pool, PmemOid oid)
    {
        _pool = pool;
        Oid = oid;
        _locks = MapLocks.For(pool, oid.Offset);
    }

    /// <summary>The type number of the map's header object.</summary>
    public static ulong HeaderTypeNumber { get; } = TypeNumber.Of($"Pmdk.PersistentHashMap[{TypeNumber.StableName(typeof(TKey))},{TypeNumber.StableName(typeof(TValue))}]");

    /// <summary>The header object's OID.</summary>
    public PmemOid Oid { get; }

    /// <summary>Current number of buckets.</summary>
    public long BucketCount => (long)Header.BucketCount;

    private ref HashMapHeader Header => ref _pool.Ref<HashMapHeader>(Oid);

    /// <summary>Creates an empty map in <paramref name="tx"/>.</summary>
    /// <param name="tx">The transaction; the map exists only if it commits.</param>
    /// <param name="buckets">Initial bucket count (rounded up to a power of two, at least <see cref="StripeCount"/>).</param>
    public static PersistentHashMap<TKey, TValue> Create(ObjTransaction tx, int buckets = StripeCount)
    {
        PersistentObject.RequireTx(tx);
        ulong n = Math.Max((ulong)StripeCount, System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, buckets)));
        PmemOid h = tx.ZAllocate((ulong)Unsafe.SizeOf<HashMapHeader>(), HeaderTypeNumber);
        ref HashMapHeader hdr = ref tx.Pool.Ref<HashMapHeader>(h);
        hdr.BucketCount = n;
        hdr.Seed = (ulong)Random.Shared.NextInt64();
        hdr.Buckets = tx.ZAllocate(n * 16, HeaderTypeNumber + 1);
        hdr.Counts = tx.ZAllocate(StripeCount * CounterStride, HeaderTypeNumber + 2);
        hdr.KeySize = (uint)Unsafe.SizeOf<TKey>();
        hdr.ValueSize = (uint)Unsafe.SizeOf<TValue>();
        return new PersistentHashMap<TKey, TValue>(tx.Pool, h);
    }

    /// <summary>Opens the map whose header is <paramref name="oid"/>.</summary>
    public static PersistentHashMap<TKey, TValue> Open(ObjPool pool, PmemOid oid)
    {
        PersistentObject.CheckHeader(pool, oid, HeaderTypeNumber, (ulong)Unsafe.SizeOf<HashMapHeader>(), "PersistentHashMap");
        ref HashMapHeader h = ref pool.Ref<HashMapHeader>(oid);
        if (h.KeySize != Unsafe.SizeOf<TKey>() || h.ValueSize != Unsafe.SizeOf<TValue>())
            throw new PoolCorruptedException($"hash map {oid}: key/value sizes {h.KeySize}/{h.ValueSize}, expected {Unsafe.SizeOf<TKey>()}/{Unsafe.SizeOf<TValue>()}.", pool.Path);
        if (h.BucketCount < StripeCount || !ulong.IsPow2(h.BucketCount) || h.BucketCount > (1UL << 40)
            || h.Buckets.IsNull || pool.UsableSize(h.Buckets) < h.BucketCount * 16
            || h.Counts.IsNull || pool.UsableSize(h.Counts) < StripeCount * CounterStride)
            throw new PoolCorruptedException($"hash map {oid}: bucket count {h.BucketCount}, buckets {h.Buckets} or counters {h.Counts} invalid.", pool.Path);
        return new PersistentHashMap<TKey, TValue>(pool, oid);
    }

    /// <summary>Number of entries.</summary>
    public long Count
    {
        get
        {
            _locks.Resize.EnterReadLock();
            try
            {
                return (long)SumCounts();
            }
            finally
            {
                _locks.Resize.ExitReadLock();
            }
        }
    }

    /// <summary>The value of <paramref name="key"/>; setting inserts or replaces.</summary>
    /// <exception cref="KeyNotFoundException">Getting a missing key.</exception>
    public TValue this[TKey key]
    {
        get => TryGetValue(key, out TValue v) ? v : throw new KeyNotFoundException($"key not found in hash map {Oid}.");
        set => Put(key, value, overwrite: true);
    }

    /// <summary>Looks a key up.</summary>
    public bool TryGetValue(TKey key, out TValue value)
    {
        ulong hash = Hash(in key);
        _locks.Resize.EnterReadLock();
        try
        {
            ulong b = hash & (Header.BucketCount - 1);
            ReaderWriterLockSlim stripe = _locks.Stripes[b & (StripeCount - 1)];
            stripe.EnterReadLock();
            try
            {
                PmemOid e = Find(b, hash, in key, out _);
                value = e.IsNull ? default : EntryRef(e).Value;
                return !e.IsNull;
            }
            finally
            {
                stripe.ExitReadLock();
            }
        }
        finally
        {
            _locks.Resize.ExitReadLock();
        }
    }

    /// <summary>Whether the key is present.</summary>
    public bool ContainsKey(TKey key) => TryGetValue(key, out _);

    /// <summary>A snapshot of the entries, in bucket order (taken stripe by stripe).</summary>
    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator()
    {
        var all = new List<KeyValuePair<TKey, TValue>>();
        _locks.Resize.EnterReadLock();
        try
        {
            ulong n = Header.BucketCount;
            for (ulong b = 0; b < n; b++)
            {
                ReaderWriterLockSlim stripe = _locks.Stripes[b & (StripeCount - 1)];
                stripe.EnterReadLock();
                try
                {
                    for (PmemOid e = BucketRef(b); !e.IsNull; e = EntryRef(e).Next)
                    {
                        ref HashEntry<TKey, TValue> en = ref EntryRef(e);
                        all.Add(new(en.Key, en.Value));
                    }
                }
                finally
                {
                    stripe.ExitReadLock();
                }
            }
        }
        finally
        {
            _locks.Resize.ExitReadLock();
        }
        return all.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private ulong Hash(in TKey key)
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key));
        ulong h = 0xcbf29ce484222325 ^ Header.Seed;
        foreach (byte x in bytes)
            h = (h ^ x) * 0x100000001b3;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccd;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53;
        return h ^ (h >> 33);
    }

    private static bool KeyEquals(in TKey a, in TKey b) =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in a)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in b)));

    /// <summary>Walks bucket <paramref name="b"/> for the key; <paramref name="prev"/> is the entry before it (null at the head).</summary>
    private PmemOid Find(ulong b, ulong hash, in TKey key, out PmemOid prev)
    {
        prev = PmemOid.Null;
        ulong guard = 0;
        for (PmemOid e = BucketRef(b); !e.IsNull; prev = e, e = EntryRef(e).Next)
        {
            ref HashEntry<TKey, TValue> en = ref EntryRef(e);
            if (en.Hash == hash && KeyEquals(in en.Key, in key))
                return e;
            if (++guard > (1UL << 40))
                throw new PoolCorruptedException($"hash map {Oid}: bucket {b} has a cycle.", _pool.Path);
        }
        return PmemOid.Null;
    }

    private ref PmemOid BucketRef(ulong b) => ref _pool.Ref<PmemOid>(Header.Buckets, b * 16);

    private ref HashEntry<TKey, TValue> EntryRef(PmemOid e) => ref _pool.Ref<HashEntry<TKey, TValue>>(e);

    private ref ulong CounterRef(ulong stripe) => ref _pool.Ref<ulong>(Header.Counts, stripe * CounterStride);

    private ulong SumCounts()
    {
        ulong sum = 0;
        for (ulong s = 0; s < StripeCount; s++)
            sum += CounterRef(s);
        return sum;
    }
}
