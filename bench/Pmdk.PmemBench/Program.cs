// pmembench-style side-by-side harness: each libpmem workload against Pmdk.Pmem and Debian's libpmem (PMDK: src/benchmarks/pmembench.cpp).
using System.Runtime.InteropServices;
using Pmdk.Pmem;
using Pmdk.PmemBench;
using Pmdk.PmemBench.Native;
using Pmdk.PmemBench.Workloads;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

List<Workload> selected = [.. WorkloadCatalog.All.Where(w => options.Selects(w.Name, WorkloadCatalog.All.Select(a => a.Name)))];
if (options.List)
{
    foreach (Workload w in WorkloadCatalog.All)
        Console.WriteLine(w.Name);
    return 0;
}
if (selected.Count == 0)
{
    Console.Error.WriteLine($"no workload matches {string.Join(' ', options.Filters)}; --list shows the names.");
    return 2;
}

// libpmem reads PMEM_IS_PMEM_FORCE through getenv; the managed environment is not the native one on Unix,
// so it is set with setenv before the first call loads libpmem. The ext4 workload does not depend on it:
// both sides take the msync path explicitly there (ours: IsPmemForce=false).
LibC.SetEnvironment("PMEM_IS_PMEM_FORCE", "1");

Console.WriteLine(Figures.Invariant(
    $"# Pmdk.PmemBench reps={options.Reps} ops-scale={options.OpsScale} lat={options.Latency} pid={Environment.ProcessId}"));
Console.WriteLine($"# cpu: {CpuModel()}; runtime {RuntimeInformation.FrameworkDescription}");
Console.WriteLine($"# ours: profile {Pmem.DefaultProfile}");

using var files = new BenchFiles(options.ShmDirectory, options.DiskDirectory);
ProbeC(files);
using var source = new DramSource();
var context = new RunContext(files, source, options.OpsScale, options.Latency, small: false);
var runner = new Runner(options, context, Console.Out);
if (options.WarmUp)
{
    Console.WriteLine("# jit warm-up (untimed)");
    runner.WarmUp(selected);
}
foreach (Workload w in selected)
    runner.Run(w);
return 0;

static string CpuModel()
{
    try
    {
        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
    catch (IOException)
    {
        return "unknown";
    }
}

static unsafe void ProbeC(BenchFiles files)
{
    string path = files.FreshShm("probe");
    try
    {
        byte* map = LibPmem.MapFile(path, 4 << 20, LibPmem.PMEM_FILE_CREATE | LibPmem.PMEM_FILE_EXCL, out ulong len, out bool isPmem);
        int direct = LibPmem.pmem_is_pmem(map, (nuint)len);
        LibPmem.Unmap(map, len);
        Console.WriteLine($"# c: libpmem.so.1 on {files.ShmDirectory}: pmem_map_file is_pmem={(isPmem ? 1 : 0)}, pmem_is_pmem={direct}");
        if (!isPmem || direct == 0)
            throw new InvalidOperationException("libpmem did not see PMEM_IS_PMEM_FORCE=1.");
    }
    finally
    {
        File.Delete(path);
    }
}
