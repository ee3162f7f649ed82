// Chained hash map kept by transactions, same layout, hash and growth rules as C (PMDK: hashmap/hashmap_tx.c).
using Pmdk.Obj;

namespace Pmdk.Examples.MapCli;

/// <summary>
/// The "hashmap_tx" map: <c>struct hashmap_tx { u32 seed, a, b; u64 p, count; TOID buckets; }</c> (type 1004, 48 bytes),
/// <c>struct buckets { u64 nbuckets; TOID bucket[]; }</c> (1005) and <c>struct entry { u64 key; oid value; TOID next; }</c> (1006).
/// </summary>
public sealed class HashMapTx(ObjPool pool, GlibcRandom random) : IMap
{
    /// <summary>Type number of the map object (HASHMAP_TX_TYPE_OFFSET + 0).</summary>
    public const ulong MapType = 1004;

    /// <summary>Type number of the bucket array.</summary>
    public const ulong BucketsType = 1005;

    /// <summary>Type number of an entry.</summary>
    public const ulong EntryType = 1006;

    private const ulong MapSize = 48;
    private const ulong EntrySize = 40;
    private const ulong SeedOff = 0, AOff = 4, BOff = 8, POff = 16, CountOff = 24, BucketsOff = 32;

    /// <inheritdoc/>
    public bool HasCount => true;

    /// <inheritdoc/>
    public bool HasCommands => true;

    private ref PmemOid Buckets(PmemOid map) => ref pool.Oid(map, BucketsOff);

    private ref ulong NBuckets(PmemOid buckets) => ref pool.U64(buckets, 0);

    private ref PmemOid Bucket(PmemOid buckets, ulong i) => ref pool.Oid(buckets, 8 + 16 * i);

    private ref ulong Key(PmemOid entry) => ref pool.U64(entry, 0);

    private ref PmemOid Next(PmemOid entry) => ref pool.Oid(entry, 24);

    private ulong Hash(PmemOid map, PmemOid buckets, ulong key) =>
        HashMapMath.Hash(pool.U32(map, AOff), pool.U32(map, BOff), pool.U64(map, POff), NBuckets(buckets), key);

    /// <inheritdoc/>
    public void Create(PmemOid root, ulong rootOffset, uint seed) => pool.Transaction(tx =>
    {
        tx.AddRange(root, rootOffset, 16);
        PmemOid map = tx.ZAllocate(MapSize, MapType);
        pool.Oid(root, rootOffset) = map;
        pool.Transaction(inner =>
        {
            inner.AddRange(map, 0, MapSize);
            pool.U32(map, SeedOff) = seed;
            do
                pool.U32(map, AOff) = (uint)random.Next();
            while (pool.U32(map, AOff) == 0);
            pool.U32(map, BOff) = (uint)random.Next();
            pool.U64(map, POff) = HashMapMath.CoeffP;
            PmemOid buckets = inner.ZAllocate(8 + 16 * HashMapMath.InitialBuckets, BucketsType);
            Buckets(map) = buckets;
            NBuckets(buckets) = HashMapMath.InitialBuckets;
        });
    });

    /// <inheritdoc/>
    public void Init(PmemOid map) => random.Seed(pool.U32(map, SeedOff));

    /// <inheritdoc/>
    public ulong Count(PmemOid map) => pool.U64(map, CountOff);

    /// <inheritdoc/>
    public void Rebuild(PmemOid map, ulong buckets)
    {
        PmemOid old = Buckets(map);
        ulong newLength = buckets;
        if (newLength == 0)
            newLength = NBuckets(old);
        ulong oldSize = 8 + 16 * NBuckets(old);
        pool.Transaction(tx =>
        {
            tx.AddRange(map, BucketsOff, 16);
            PmemOid fresh = tx.ZAllocate(8 + 16 * newLength, BucketsType);
            NBuckets(fresh) = newLength;
            tx.AddRange(old, 0, oldSize);
            for (ulong i = 0; i < NBuckets(old); i++)
            {
                while (!Bucket(old, i).IsNull)
                {
                    PmemOid en = Bucket(old, i);
                    ulong h = Hash(map, fresh, Key(en));
                    Bucket(old, i) = Next(en);
                    tx.AddRange(en, 24, 16);
                    Next(en) = Bucket(fresh, h);
                    Bucket(fresh, h) = en;
                }
            }
            Buckets(map) = fresh;
            tx.Free(old);
        });
    }

    /// <inheritdoc/>
    public int Insert(PmemOid map, ulong key, PmemOid value)
    {
        PmemOid buckets = Buckets(map);
        ulong h = Hash(map, buckets, key);
        int num = 0;
        for (PmemOid var = Bucket(buckets, h); !var.IsNull; var = Next(var))
        {
            if (Key(var) == key)
                return 1;
            num++;
        }
        pool.Transaction(tx =>
        {
            tx.AddRange(buckets, 8 + 16 * h, 16);
            tx.AddRange(map, CountOff, 8);
            PmemOid e = tx.Allocate(EntrySize, EntryType);
            Key(e) = key;
            pool.Oid(e, 8) = value;
            Next(e) = Bucket(buckets, h);
            Bucket(buckets, h) = e;
            pool.U64(map, CountOff)++;
        });
        num++;
        if (num > HashMapMath.MaxThreshold || (num > HashMapMath.MinThreshold && Count(map) > 2 * NBuckets(buckets)))
            Rebuild(map, NBuckets(buckets) * 2);
        return 0;
    }

    /// <inheritdoc/>
    public PmemOid Remove(PmemOid map, ulong key)
    {
        PmemOid buckets = Buckets(map);
        PmemOid prev = PmemOid.Null;
        ulong h = Hash(map, buckets, key);
        PmemOid var;
        for (var = Bucket(buckets, h); !var.IsNull; prev = var, var = Next(var))
        {
            if (Key(var) == key)
                break;
        }
        if (var.IsNull)
            return PmemOid.Null;
        PmemOid result = pool.Oid(var, 8);
        pool.Transaction(tx =>
        {
            if (prev.IsNull)
                tx.AddRange(buckets, 8 + 16 * h, 16);
            else
                tx.AddRange(prev, 24, 16);
            tx.AddRange(map, CountOff, 8);
            if (prev.IsNull)
                Bucket(buckets, h) = Next(var);
            else
                Next(prev) = Next(var);
            pool.U64(map, CountOff)--;
            tx.Free(var);
        });
        if (Count(map) < NBuckets(buckets))
            Rebuild(map, NBuckets(buckets) / 2);
        return result;
    }

    /// <inheritdoc/>
    public bool Lookup(PmemOid map, ulong key)
    {
        PmemOid buckets = Buckets(map);
        for (PmemOid var = Bucket(buckets, Hash(map, buckets, key)); !var.IsNull; var = Next(var))
        {
            if (Key(var) == key)
                return true;
        }
        return false;
    }

    /// <inheritdoc/>
    public int Foreach(PmemOid map, Func<ulong, PmemOid, int> callback)
    {
        PmemOid buckets = Buckets(map);
        int ret = 0;
        for (ulong i = 0; i < NBuckets(buckets); i++)
        {
            for (PmemOid var = Bucket(buckets, i); !var.IsNull; var = Next(var))
            {
                ret = callback(Key(var), pool.Oid(var, 8));
                if (ret != 0)
                    break;
            }
        }
        return ret;
    }

    /// <inheritdoc/>
    public void Debug(PmemOid map, TextWriter output)
    {
        PmemOid buckets = Buckets(map);
        output.Write($"a: {pool.U32(map, AOff)} b: {pool.U32(map, BOff)} p: {pool.U64(map, POff)}\n");
        output.Write($"count: {Count(map)}, buckets: {NBuckets(buckets)}\n");
        for (ulong i = 0; i < NBuckets(buckets); i++)
        {
            if (Bucket(buckets, i).IsNull)
                continue;
            int num = 0;
            output.Write($"{i}: ");
            for (PmemOid var = Bucket(buckets, i); !var.IsNull; var = Next(var))
            {
                output.Write($"{Key(var)} ");
                num++;
            }
            output.Write($"({num})\n");
        }
    }
}
