// Four-level skip list kept by transactions, same node layout, type number and coin flips as C (PMDK: list_map/skiplist_map.c).
using Pmdk.Obj;
using Pmdk.Obj.Tx;

namespace Pmdk.Examples.MapCli;

/// <summary>
/// The "skiplist" map: the map is a header node; every node is <c>struct skiplist_map_node { TOID next[4]; u64 key; oid value; }</c>
/// (type 2020, 88 bytes). A node's height comes from C's <c>rand() % 2</c> coin flips. Like C, remove unlinks without freeing.
/// </summary>
public sealed class SkipListMap(ObjPool pool, GlibcRandom random) : IMap
{
    /// <summary>Type number of a node (SKIPLIST_MAP_TYPE_OFFSET + 0).</summary>
    public const ulong NodeType = 2020;

    private const int Levels = 4;
    private const ulong NodeSize = 16 * Levels + 24;
    private const ulong KeyOff = 16 * Levels;

    private ref PmemOid Next(PmemOid node, int level) => ref pool.Oid(node, 16 * (ulong)level);

    private ref ulong Key(PmemOid node) => ref pool.U64(node, KeyOff);

    /// <inheritdoc/>
    public bool HasCount => false;

    /// <inheritdoc/>
    public bool HasCommands => false;

    /// <inheritdoc/>
    public ulong Count(PmemOid map) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Rebuild(PmemOid map, ulong buckets) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Debug(PmemOid map, TextWriter output) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Init(PmemOid map)
    {
    }

    /// <inheritdoc/>
    public void Create(PmemOid root, ulong rootOffset, uint seed) => pool.Transaction(tx =>
    {
        tx.AddRange(root, rootOffset, 16);
        pool.Oid(root, rootOffset) = tx.ZAllocate(NodeSize, NodeType);
    });

    private PmemOid[] Find(ulong key, PmemOid map)
    {
        var path = new PmemOid[Levels];
        PmemOid active = map;
        for (int level = Levels - 1; level >= 0; level--)
        {
            for (PmemOid next = Next(active, level); next != PmemOid.Null && Key(next) < key; next = Next(active, level))
                active = next;
            path[level] = active;
        }
        return path;
    }

    /// <inheritdoc/>
    public int Insert(PmemOid map, ulong key, PmemOid value)
    {
        pool.Transaction(tx =>
        {
            PmemOid node = tx.ZAllocate(NodeSize, NodeType);
            Key(node) = key;
            pool.Oid(node, KeyOff + 8) = value;
            PmemOid[] path = Find(key, map);
            int level = 0;
            do
            {
                tx.AddRange(path[level], 16 * (ulong)level, 16);
                Next(node, level) = Next(path[level], level);
                Next(path[level], level) = node;
            }
            while (++level < Levels && random.Next() % 2 == 0);
        });
        return 0;
    }

    /// <inheritdoc/>
    public PmemOid Remove(PmemOid map, ulong key)
    {
        PmemOid ret = PmemOid.Null;
        pool.Transaction(tx =>
        {
            PmemOid[] path = Find(key, map);
            PmemOid victim = Next(path[0], 0);
            if (victim == PmemOid.Null || Key(victim) != key)
                return;
            ret = pool.Oid(victim, KeyOff + 8);
            Unlink(tx, path, Next(path[0], 0));
        });
        return ret;
    }

    private void Unlink(ObjTransaction tx, PmemOid[] path, PmemOid victim)
    {
        for (int i = 0; i < Levels; i++)
        {
            if (Next(path[i], i) == victim)
            {
                tx.AddRange(path[i], 16 * (ulong)i, 16);
                Next(path[i], i) = Next(victim, i);
            }
        }
    }

    /// <inheritdoc/>
    public bool Lookup(PmemOid map, ulong key)
    {
        PmemOid found = Next(Find(key, map)[0], 0);
        return found != PmemOid.Null && Key(found) == key;
    }

    /// <inheritdoc/>
    public int Foreach(PmemOid map, Func<ulong, PmemOid, int> callback)
    {
        PmemOid node = map;
        while (Next(node, 0) != PmemOid.Null)
        {
            node = Next(node, 0);
            callback(Key(node), pool.Oid(node, KeyOff + 8));
        }
        return 0;
    }
}
