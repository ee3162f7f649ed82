// The mapcli command loop: argv handling, pool create/open, the i/r/c/n/p/d/b/q/h commands (PMDK: mapcli.c).
using Pmdk.Obj;

namespace Pmdk.Examples.MapCli;

/// <summary>The mapcli program, callable in-process (tests) or from <c>Main</c>.</summary>
public static class MapCliApp
{
    /// <summary>The pool layout name (POBJ_LAYOUT_NAME(map)).</summary>
    public const string Layout = "map";

    /// <summary>Size of a pool created by mapcli (PM_HASHSET_POOL_SIZE).</summary>
    public const ulong PoolSize = 160UL << 20;

    /// <summary>Size of <c>struct root { TOID(struct map) map; }</c>.</summary>
    public const ulong RootSize = 16;

    private const int InputBufferLength = 1000;

    /// <summary>Map kinds in the order C's usage line names them (only the implemented ones are accepted).</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["hashmap_tx", "hashmap_atomic", "btree", "rbtree", "skiplist"];

    /// <summary>Runs mapcli with C's argument vector minus the program name; returns the exit code.</summary>
    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error, bool interactive)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            return RunCore(args, input, output, error, interactive);
        }
        finally
        {
            output.Flush();
        }
    }

    private static int RunCore(string[] args, TextReader input, TextWriter output, TextWriter error, bool interactive)
    {
        if (args.Length < 2 || args.Length > 3)
        {
            output.Write("usage: mapcli hashmap_tx|hashmap_atomic|hashmap_rp|ctree|btree|rtree|rbtree|skiplist file-name [<seed>]\n");
            return 1;
        }
        string type = args[0];
        string path = args[1];
        var random = new GlibcRandom(0);
        Func<ObjPool, IMap>? factory = type switch
        {
            "hashmap_tx" => p => new HashMapTx(p, random),
            "hashmap_atomic" => p => new HashMapAtomic(p, random, output),
            "btree" => p => new BTreeMap(p),
            "rbtree" => p => new RBTreeMap(p),
            "skiplist" => p => new SkipListMap(p, random),
            _ => null,
        };
        if (factory is null)
        {
            error.Write($"invalid container type -- '{type}'\n");
            return 1;
        }

        uint seed = args.Length > 2 ? unchecked((uint)CText.Atoi(args[2])) : (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        random.Seed(seed);

        ObjPool pool;
        bool created = !File.Exists(path);
        try
        {
            pool = created
                ? ObjPool.Create(path, Layout, PoolSize, new ObjPoolOptions { Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite })
                : ObjPool.Open(path, Layout);
        }
        catch (Exception e) when (e is Pmdk.PmemException or IOException or UnauthorizedAccessException)
        {
            error.Write($"failed to {(created ? "create" : "open")} pool: {e.Message}\n");
            return 1;
        }

        using (pool)
        {
            IMap map = factory(pool);
            PmemOid root = pool.Root(RootSize);
            if (created)
                output.Write($"seed: {seed}\n");
            if (pool.Oid(root, 0).IsNull)
                map.Create(root, 0, seed);
            PmemOid mapOid = pool.Oid(root, 0);
            map.Init(mapOid);
            var session = new MapSession(pool, map, mapOid, random, output, error);
            return session.Loop(input, interactive);
        }
    }
}
