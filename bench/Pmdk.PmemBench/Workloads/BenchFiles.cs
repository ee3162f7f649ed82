// Fresh files for every run: unlinked before creation, removed after (perf-notes §3.0 "Files").
namespace Pmdk.PmemBench.Workloads;

/// <summary>Per-process directories on tmpfs (emulated pmem) and on the root filesystem (msync path).</summary>
internal sealed class BenchFiles : IDisposable
{
    public BenchFiles(string shmRoot, string diskRoot)
    {
        string tag = $"pmembench-{Environment.ProcessId}";
        ShmDirectory = Directory.CreateDirectory(System.IO.Path.Combine(shmRoot, tag)).FullName;
        DiskDirectory = Directory.CreateDirectory(System.IO.Path.Combine(diskRoot, tag)).FullName;
    }

    /// <summary>Directory on /dev/shm.</summary>
    public string ShmDirectory { get; }

    /// <summary>Directory on the root filesystem.</summary>
    public string DiskDirectory { get; }

    /// <summary>A path on tmpfs that does not exist.</summary>
    public string FreshShm(string name) => Fresh(ShmDirectory, name);

    /// <summary>A path on the root filesystem that does not exist.</summary>
    public string FreshDisk(string name) => Fresh(DiskDirectory, name);

    private static string Fresh(string directory, string name)
    {
        string path = System.IO.Path.Combine(directory, name);
        File.Delete(path);
        return path;
    }

    public void Dispose()
    {
        TryDelete(ShmDirectory);
        TryDelete(DiskDirectory);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
