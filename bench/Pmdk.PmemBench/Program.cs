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

// A workload is selected when its name or one of its result lines matches (blk_read_512_t1 runs the blk_512_t1
// workload, whose write phase comes first).
string[] allNames = [.. WorkloadCatalog.All.SelectMany(w => w.FigureNames.Prepend(w.Name)).Distinct()];
List<Workload> selected = [.. WorkloadCatalog.All.Where(w => w.FigureNames.Prepend(w.Name).Any(n => options.Selects(n, allNames)))];
if (options.List)
{
    foreach (string name in WorkloadCatalog.All.SelectMany(w => w.FigureNames))
        Console.WriteLine(name);
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
// The pool libraries read their ctl config from these variables (perf-notes §3.0 "Prefault") when they are loaded
// and again at pool create/open; obj_pool_1g unsets PMEMOBJ_CONF while it runs.
LibC.SetEnvironment(LibPmemObj.ConfigVariable, RunContext.PrefaultConfig);
LibC.SetEnvironment("PMEMLOG_CONF", RunContext.PrefaultConfig);
LibC.SetEnvironment("PMEMBLK_CONF", RunContext.PrefaultConfig);

Console.WriteLine(Figures.Invariant(
    $"# Pmdk.PmemBench reps={options.Reps} ops-scale={options.OpsScale} lat={options.Latency} pid={Environment.ProcessId}"));
Console.WriteLine($"# cpu: {CpuModel()}; runtime {RuntimeInformation.FrameworkDescription}");
if (options.Reps % 2 != 0)
    Console.WriteLine($"# note: --reps {options.Reps} is odd, so ours prepares first in one rep more than C does (see README, \"Prepare order\")");
Console.WriteLine($"# ours: profile {Pmem.DefaultProfile}");

using var files = new BenchFiles(options.ShmDirectory, options.DiskDirectory);
ProbeC(files);
if (selected.Exists(w => w.Name.StartsWith("log_", StringComparison.Ordinal) || w.Name.StartsWith("blk_", StringComparison.Ordinal)
    || w.Name.StartsWith("obj_", StringComparison.Ordinal)))
{
    ProbePrefault();
}
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

static unsafe void ProbePrefault()
{
    int obj = -1, log = -1, blk = -1;
    if (LibPmemObj.pmemobj_ctl_get(0, "prefault.at_create", &obj) != 0 || LibPmemLog.pmemlog_ctl_get(0, "prefault.at_create", &log) != 0
        || LibPmemBlk.pmemblk_ctl_get(0, "prefault.at_create", &blk) != 0)
    {
        throw new InvalidOperationException("ctl_get(prefault.at_create) failed.");
    }
    Console.WriteLine($"# c: prefault.at_create obj={obj} log={log} blk={blk} (PMEM*_CONF); ours: Prefault=true");
    if (obj != 1 || log != 1 || blk != 1)
        throw new InvalidOperationException("the C pool libraries did not see PMEM*_CONF prefault.");
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
