// Builds PMDK's C mapcli from the Debian example sources once per test run, as the compatibility oracle (PMDK: examples/libpmemobj/map).
using System.Diagnostics;

namespace Pmdk.Examples.Tests;

/// <summary>The C mapcli binary, compiled with gcc against the installed libpmemobj. Tests using it fail when it cannot be built.</summary>
public static class CMapCli
{
    private const string Examples = "/usr/share/doc/libpmemobj-dev/examples";

    private static readonly Lazy<string> Binary = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Path of the built executable (builds on first use).</summary>
    public static string Path => Binary.Value;

    // ex_common.h is not shipped with the Debian examples; these are the few helpers the map sources use.
    private const string ExCommon = """
        #ifndef EX_COMMON_H
        #define EX_COMMON_H
        #include <unistd.h>
        #include <sys/stat.h>
        #include <string.h>
        #include <stdint.h>
        #include <time.h>
        #define CREATE_MODE_RW (S_IWUSR | S_IRUSR)
        #ifndef MIN
        #define MIN(a, b) ((a) < (b) ? (a) : (b))
        #endif
        static inline int file_exists(char const *file) { return access(file, F_OK); }
        static inline unsigned char find_last_set_64(uint64_t v) { return (unsigned char)(63 - __builtin_clzll(v)); }
        #endif

        """;

    private static string Build()
    {
        if (!Directory.Exists(System.IO.Path.Combine(Examples, "map")))
            throw new InvalidOperationException($"{Examples}/map is missing: install libpmemobj-dev (the C mapcli is the oracle).");
        string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pmdk-cmapcli-{Environment.ProcessId}");
        if (Directory.Exists(root))
            Directory.Delete(root, true);
        foreach (string dir in new[] { "map", "tree_map", "hashmap", "list_map" })
        {
            string to = System.IO.Path.Combine(root, dir);
            Directory.CreateDirectory(to);
            foreach (string file in Directory.GetFiles(System.IO.Path.Combine(Examples, dir)))
                File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)));
        }
        File.WriteAllText(System.IO.Path.Combine(root, "ex_common.h"), ExCommon);
        string map = System.IO.Path.Combine(root, "map");
        string[] sources =
        [
            "mapcli.c", "map.c", "map_ctree.c", "map_btree.c", "map_rtree.c", "map_rbtree.c", "map_hashmap_atomic.c",
            "map_hashmap_tx.c", "map_hashmap_rp.c", "map_skiplist.c", "../tree_map/btree_map.c", "../tree_map/ctree_map.c",
            "../tree_map/rbtree_map.c", "../tree_map/rtree_map.c", "../hashmap/hashmap_tx.c", "../hashmap/hashmap_atomic.c",
            "../hashmap/hashmap_rp.c", "../list_map/skiplist_map.c",
        ];
        var psi = new ProcessStartInfo("gcc") { WorkingDirectory = map, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in (string[])["-O1", "-w", "-I..", "-I.", "-I../tree_map", "-I../hashmap", "-I../list_map", "-o", "mapcli"])
            psi.ArgumentList.Add(a);
        foreach (string s in sources)
            psi.ArgumentList.Add(s);
        psi.ArgumentList.Add("-lpmemobj");
        psi.ArgumentList.Add("-lpmem");
        using Process gcc = Process.Start(psi) ?? throw new InvalidOperationException("cannot start gcc");
        Task<string> err = gcc.StandardError.ReadToEndAsync();
        gcc.StandardOutput.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0)
            throw new InvalidOperationException($"building the C mapcli failed: {err.Result}");
        return System.IO.Path.Combine(map, "mapcli");
    }
}
