// PMDK's hashmap_tx example built with gcc at bench start and called through function pointers (PMDK: examples/libpmemobj/hashmap/hashmap_tx.c).
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Pmdk.PmemBench.Native;

/// <summary>
/// Debian's <c>hashmap_tx.c</c> (from libpmemobj-dev's examples) plus our shim <c>Native/hashmap_tx_shim.c</c>,
/// compiled once per process with <c>gcc -O2 -shared</c> into a temporary directory and loaded. The per-op entry
/// points are called without a GC transition: they run a transaction and never call back into managed code.
/// </summary>
internal static unsafe class CHashMapTx
{
    private const string Examples = "/usr/share/doc/libpmemobj-dev/examples/hashmap";
    private static readonly Lazy<Exports> Lib = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static NativeOid Create(nint pop) => Lib.Value.Create(pop);

    public static int Insert(nint pop, NativeOid map, ulong key, NativeOid value) => Lib.Value.Insert(pop, map, key, value);

    public static NativeOid Get(nint pop, NativeOid map, ulong key) => Lib.Value.Get(pop, map, key);

    /// <summary>The loaded entry points.</summary>
    private sealed class Exports(nint create, nint insert, nint get)
    {
        private readonly delegate* unmanaged<nint, NativeOid> _create = (delegate* unmanaged<nint, NativeOid>)create;
        private readonly delegate* unmanaged[SuppressGCTransition]<nint, NativeOid, ulong, NativeOid, int> _insert =
            (delegate* unmanaged[SuppressGCTransition]<nint, NativeOid, ulong, NativeOid, int>)insert;
        private readonly delegate* unmanaged[SuppressGCTransition]<nint, NativeOid, ulong, NativeOid> _get =
            (delegate* unmanaged[SuppressGCTransition]<nint, NativeOid, ulong, NativeOid>)get;

        public NativeOid Create(nint pop) => _create(pop);

        public int Insert(nint pop, NativeOid map, ulong key, NativeOid value) => _insert(pop, map, key, value);

        public NativeOid Get(nint pop, NativeOid map, ulong key) => _get(pop, map, key);
    }

    private static Exports Build()
    {
        string shim = Path.Combine(AppContext.BaseDirectory, "Native", "hashmap_tx_shim.c");
        if (!File.Exists(Path.Combine(Examples, "hashmap_tx.c")))
            throw new InvalidOperationException($"{Examples}/hashmap_tx.c is missing: install libpmemobj-dev.");
        string dir = Path.Combine(Path.GetTempPath(), $"pmembench-hm-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        string so = Path.Combine(dir, "libbenchhm.so");
        var psi = new ProcessStartInfo("gcc") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in (string[])["-O2", "-w", "-fPIC", "-shared", $"-I{Examples}", "-o", so, shim,
            Path.Combine(Examples, "hashmap_tx.c"), "-lpmemobj"])
        {
            psi.ArgumentList.Add(a);
        }
        using Process gcc = Process.Start(psi) ?? throw new InvalidOperationException("cannot start gcc");
        Task<string> err = gcc.StandardError.ReadToEndAsync();
        gcc.StandardOutput.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0)
            throw new InvalidOperationException($"building hashmap_tx.c with gcc failed: {err.Result}");
        nint h = NativeLibrary.Load(so);
        File.Delete(so);
        Directory.Delete(dir);
        return new Exports(NativeLibrary.GetExport(h, "bench_hm_create"), NativeLibrary.GetExport(h, "bench_hm_insert"),
            NativeLibrary.GetExport(h, "bench_hm_get"));
    }
}
