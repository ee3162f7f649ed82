// The operations every map kind offers to the command loop (PMDK: map.h struct map_ops).
using Pmdk.Obj;

namespace Pmdk.Examples.MapCli;

/// <summary>One persistent map implementation, bound to a pool. Optional operations return false from their Has* property.</summary>
public interface IMap
{
    /// <summary>Creates an empty map and stores its OID in the 16 bytes at <paramref name="rootOffset"/> of the root object.</summary>
    /// <remarks>C: <c>map_create</c></remarks>
    void Create(PmemOid root, ulong rootOffset, uint seed);

    /// <summary>Runs the per-open initialisation or recovery. C: <c>map_init</c>.</summary>
    void Init(PmemOid map);

    /// <summary>Inserts a key: 0 inserted, 1 already present, negative on failure. C: <c>map_insert</c>.</summary>
    int Insert(PmemOid map, ulong key, PmemOid value);

    /// <summary>Removes a key and returns its value (null when absent). C: <c>map_remove</c>.</summary>
    PmemOid Remove(PmemOid map, ulong key);

    /// <summary>Whether the key is present. C: <c>map_lookup</c>.</summary>
    bool Lookup(PmemOid map, ulong key);

    /// <summary>Visits the entries in the map's own order until the callback returns non-zero. C: <c>map_foreach</c>.</summary>
    int Foreach(PmemOid map, Func<ulong, PmemOid, int> callback);

    /// <summary>Whether <see cref="Count"/> is implemented (C's ops table has a count entry).</summary>
    bool HasCount { get; }

    /// <summary>Number of entries. C: <c>map_count</c>.</summary>
    ulong Count(PmemOid map);

    /// <summary>Whether <see cref="Rebuild"/> and <see cref="Debug"/> are implemented (C's ops table has a cmd entry).</summary>
    bool HasCommands { get; }

    /// <summary>Rehashes into <paramref name="buckets"/> buckets (0: the current number). C: <c>HASHMAP_CMD_REBUILD</c>.</summary>
    void Rebuild(PmemOid map, ulong buckets);

    /// <summary>Writes the internal structure. C: <c>HASHMAP_CMD_DEBUG</c>.</summary>
    void Debug(PmemOid map, TextWriter output);
}
