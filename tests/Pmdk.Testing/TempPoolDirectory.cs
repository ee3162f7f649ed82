// A per-test directory on /dev/shm (emulated pmem) or on the root filesystem (msync path).
namespace Pmdk.Testing;

/// <summary>Where a test's files live.</summary>
public enum PoolBackend
{
    /// <summary>/dev/shm: tmpfs, the emulated-pmem target (with is-pmem forced).</summary>
    Shm,
    /// <summary>A directory of the root filesystem: the msync path.</summary>
    Disk,
}

/// <summary>A fresh directory removed with its content on dispose.</summary>
public sealed class TempPoolDirectory : IDisposable
{
    /// <summary>Creates a unique directory on the backend.</summary>
    public TempPoolDirectory(PoolBackend backend = PoolBackend.Shm)
    {
        Backend = backend;
        string root = backend == PoolBackend.Shm && Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        DirectoryPath = Path.Combine(root, $"pmdk-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(DirectoryPath);
    }

    /// <summary>The backend.</summary>
    public PoolBackend Backend { get; }

    /// <summary>The directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>A path inside the directory.</summary>
    public string File(string name) => Path.Combine(DirectoryPath, name);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
