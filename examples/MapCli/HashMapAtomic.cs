// Chained hash map built from atomic allocations and the atomic list API, same layout as C (PMDK: hashmap/hashmap_atomic.c).
using Pmdk.Obj;
using Pmdk.Obj.Lists;

namespace Pmdk.Examples.MapCli;

/// <summary>
/// The "hashmap_atomic" map: <c>struct hashmap_atomic { u32 seed, a, b; u64 p, count; u32 count_dirty; TOID buckets, buckets_tmp; }</c>
/// (type 1000, 72 bytes), <c>struct buckets { u64 nbuckets; list_head bucket[]; }</c> (1001, 80-byte heads) and
/// <c>struct entry { u64 key; oid value; list_entry list; }</c> (1002, 56 bytes).
/// </summary>
/// <remarks>
/// Crash safety, as in C: no transactions. Every bucket change is one atomic list operation committed through the
/// lane's redo log — <see cref="PmemList.InsertNewHead"/> (the entry's allocation and its links together,
/// C: <c>POBJ_LIST_INSERT_NEW_HEAD</c>), <see cref="PmemList.RemoveFree"/> (unlink and free together,
/// <c>POBJ_LIST_REMOVE_FREE</c>) and <see cref="PmemList.MoveTo"/> (<c>POBJ_LIST_MOVE_ELEMENT_HEAD</c>) — so after a
/// crash an entry is either fully in its bucket or gone. What spans several operations is guarded by flags in the map
/// that <see cref="Init"/> repairs at the next open: <c>count_dirty</c> is set around each insert/remove and makes the
/// count be recomputed; a non-null <c>buckets_tmp</c> marks an unfinished rebuild, which is finished (or undone).
/// Allocations of the map and bucket arrays are atomic too (<c>POBJ_ZNEW</c>/<c>POBJ_ALLOC</c> into the field).
/// </remarks>
public sealed class HashMapAtomic : IMap
{
    /// <summary>Type number of the map object (HASHMAP_ATOMIC_TYPE_OFFSET + 0).</summary>
    public const ulong MapType = 1000;

    /// <summary>Type number of the bucket array.</summary>
    public const ulong BucketsType = 1001;

    /// <summary>Type number of an entry.</summary>
    public const ulong EntryType = 1002;

    private const ulong MapSize = 72;
    private const ulong EntrySize = 56;
    private const ulong SeedOff = 0, AOff = 4, BOff = 8, POff = 16, CountOff = 24, DirtyOff = 32, BucketsOff = 40, TmpOff = 56;

    private readonly ObjPool _pool;
    private readonly GlibcRandom _random;
    private const ulong EntryListOff = 24;
    private readonly TextWriter _notes;

    /// <summary>Binds the map to a pool; recovery messages go to <paramref name="notes"/> (stdout in C).</summary>
    public HashMapAtomic(ObjPool pool, GlibcRandom random, TextWriter? notes = null)
    {
        _pool = pool;
        _random = random;
        _notes = notes ?? TextWriter.Null;
    }

    /// <inheritdoc/>
    public bool HasCount => true;

    /// <inheritdoc/>
    public bool HasCommands => true;

    private static ulong HeadAt(ulong i) => 8 + PmemListHead.Size * i;

    /// <summary>Bucket <paramref name="i"/>'s list (C: <c>D_RW(buckets)->bucket[i]</c>, entries linked by <c>list</c>).</summary>
    private PmemList Bucket(PmemOid buckets, ulong i) => _pool.List(buckets, HeadAt(i), EntryListOff);

    private ref PmemOid Buckets(PmemOid map) => ref _pool.Oid(map, BucketsOff);

    private ref ulong NBuckets(PmemOid buckets) => ref _pool.U64(buckets, 0);

    private ulong Key(PmemOid entry) => _pool.U64(entry, 0);

    private ulong Hash(PmemOid map, PmemOid buckets, ulong key) =>
        HashMapMath.Hash(_pool.U32(map, AOff), _pool.U32(map, BOff), _pool.U64(map, POff), NBuckets(buckets), key);

    private void SetPersist(PmemOid map, ulong offset, ulong value, ulong size)
    {
        if (size == 4)
            _pool.U32(map, offset) = (uint)value;
        else
            _pool.U64(map, offset) = value;
        _pool.Persist(map, offset, size);
    }

    /// <inheritdoc/>
    public void Create(PmemOid root, ulong rootOffset, uint seed)
    {
        _pool.AllocateInto(ref _pool.Oid(root, rootOffset), MapSize, MapType, zero: true);
        CreateHashmap(_pool.Oid(root, rootOffset), seed);
    }

    private void AllocateBuckets(ref PmemOid destination, ulong count) =>
        _pool.AllocateInto(ref destination, 8 + PmemListHead.Size * count, BucketsType, span =>
        {
            BitConverter.TryWriteBytes(span, count);
            span.Slice(8, (int)(PmemListHead.Size * count)).Clear();
        });

    private void CreateHashmap(PmemOid map, uint seed)
    {
        _pool.U32(map, SeedOff) = seed;
        do
            _pool.U32(map, AOff) = (uint)_random.Next();
        while (_pool.U32(map, AOff) == 0);
        _pool.U32(map, BOff) = (uint)_random.Next();
        _pool.U64(map, POff) = HashMapMath.CoeffP;
        _pool.Persist(map, 0, MapSize);
        AllocateBuckets(ref Buckets(map), HashMapMath.InitialBuckets);
    }

    /// <inheritdoc/>
    public void Init(PmemOid map)
    {
        _random.Seed(_pool.U32(map, SeedOff));
        if (Buckets(map).IsNull)
            CreateHashmap(map, _pool.U32(map, SeedOff));
        ref PmemOid tmp = ref _pool.Oid(map, TmpOff);
        if (!tmp.IsNull)
        {
            _notes.Write("rebuild, previous attempt crashed\n");
            if (Buckets(map) == tmp)
            {
                SetPersist(map, TmpOff + 8, 0, 8);
            }
            else if (Buckets(map).IsNull)
            {
                Buckets(map) = tmp;
                _pool.Persist(map, BucketsOff, 16);
                SetPersist(map, TmpOff + 8, 0, 8);
            }
            else
            {
                RebuildFinish(map);
            }
        }
        if (_pool.U32(map, DirtyOff) != 0)
        {
            _notes.Write("count dirty, recalculating\n");
            ulong count = 0;
            Foreach(map, (_, _) =>
            {
                count++;
                return 0;
            });
            _notes.Write($"old count: {Count(map)}, new count: {count}\n");
            SetPersist(map, CountOff, count, 8);
            SetPersist(map, DirtyOff, 0, 4);
        }
    }

    /// <inheritdoc/>
    public ulong Count(PmemOid map) => _pool.U64(map, CountOff);

    private void RebuildFinish(PmemOid map)
    {
        PmemOid cur = Buckets(map);
        PmemOid tmp = _pool.Oid(map, TmpOff);
        for (ulong i = 0; i < NBuckets(cur); i++)
        {
            PmemList from = Bucket(cur, i);
            PmemOid en;
            while (!(en = from.First).IsNull)
            {
                ulong h = Hash(map, tmp, Key(en));
                from.MoveTo(Bucket(tmp, h), PmemOid.Null, before: true, en);
            }
        }
        _pool.Free(ref Buckets(map));
        Buckets(map) = _pool.Oid(map, TmpOff);
        _pool.Persist(map, BucketsOff, 16);
        SetPersist(map, TmpOff + 8, 0, 8);
    }

    /// <inheritdoc/>
    public void Rebuild(PmemOid map, ulong buckets)
    {
        ulong newLength = buckets;
        if (newLength == 0)
            newLength = NBuckets(Buckets(map));
        AllocateBuckets(ref _pool.Oid(map, TmpOff), newLength);
        RebuildFinish(map);
    }

    /// <inheritdoc/>
    public int Insert(PmemOid map, ulong key, PmemOid value)
    {
        PmemOid buckets = Buckets(map);
        ulong h = Hash(map, buckets, key);
        PmemList bucket = Bucket(buckets, h);
        int num = 0;
        foreach (PmemOid var in bucket)
        {
            if (Key(var) == key)
                return 1;
            num++;
        }
        SetPersist(map, DirtyOff, 1, 4);
        // C: create_entry — key and value, the list entry zeroed; the list code persists the object.
        bucket.InsertNewHead(EntrySize, EntryType, span =>
        {
            BitConverter.TryWriteBytes(span, key);
            BitConverter.TryWriteBytes(span[8..], value.PoolUuidLo);
            BitConverter.TryWriteBytes(span[16..], value.Offset);
            span.Slice((int)EntryListOff, PmemListEntry.Size).Clear();
        });
        SetPersist(map, CountOff, Count(map) + 1, 8);
        SetPersist(map, DirtyOff, 0, 4);
        num++;
        if (num > HashMapMath.MaxThreshold || (num > HashMapMath.MinThreshold && Count(map) > 2 * NBuckets(buckets)))
            Rebuild(map, NBuckets(buckets) * 2);
        return 0;
    }

    /// <inheritdoc/>
    public PmemOid Remove(PmemOid map, ulong key)
    {
        PmemOid buckets = Buckets(map);
        ulong h = Hash(map, buckets, key);
        PmemList bucket = Bucket(buckets, h);
        PmemOid var = PmemOid.Null;
        foreach (PmemOid e in bucket)
        {
            if (Key(e) == key)
            {
                var = e;
                break;
            }
        }
        if (var.IsNull)
            return PmemOid.Null;
        PmemOid value = _pool.Oid(var, 8);
        SetPersist(map, DirtyOff, 1, 4);
        bucket.RemoveFree(var);
        SetPersist(map, CountOff, Count(map) - 1, 8);
        SetPersist(map, DirtyOff, 0, 4);
        if (Count(map) < NBuckets(buckets))
            Rebuild(map, NBuckets(buckets) / 2);
        return value;
    }

    /// <inheritdoc/>
    public bool Lookup(PmemOid map, ulong key)
    {
        PmemOid buckets = Buckets(map);
        ulong h = Hash(map, buckets, key);
        foreach (PmemOid var in Bucket(buckets, h))
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
        for (ulong i = 0; i < NBuckets(buckets); i++)
        {
            foreach (PmemOid var in Bucket(buckets, i))
            {
                int ret = callback(Key(var), _pool.Oid(var, 8));
                if (ret != 0)
                    return ret;
            }
        }
        return 0;
    }

    /// <inheritdoc/>
    public void Debug(PmemOid map, TextWriter output)
    {
        PmemOid buckets = Buckets(map);
        output.Write($"a: {_pool.U32(map, AOff)} b: {_pool.U32(map, BOff)} p: {_pool.U64(map, POff)}\n");
        output.Write($"count: {Count(map)}, buckets: {NBuckets(buckets)}\n");
        for (ulong i = 0; i < NBuckets(buckets); i++)
        {
            PmemList bucket = Bucket(buckets, i);
            if (bucket.IsEmpty)
                continue;
            int num = 0;
            output.Write($"{i}: ");
            foreach (PmemOid var in bucket)
            {
                output.Write($"{Key(var)} ");
                num++;
            }
            output.Write($"({num})\n");
        }
    }
}
