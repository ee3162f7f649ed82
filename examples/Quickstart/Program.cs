// Quickstart: (1) map a file, persist data, reopen it; (2) an object pool: typed objects, reopen, iterate.
using System.Text;
using Pmdk.Obj;
using Pmdk.Pmem;

string directory = args.Length > 0 ? args[0] : (Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath());
string rawPath = Path.Combine(directory, $"pmdk-quickstart-{Environment.ProcessId}.pmem");
string poolPath = Path.Combine(directory, $"pmdk-quickstart-{Environment.ProcessId}.obj");

try
{
    return MappedFile(rawPath) && ObjectPool(poolPath) ? 0 : 1;
}
finally
{
    File.Delete(rawPath);
    File.Delete(poolPath);
}

static bool MappedFile(string path)
{
    // Create a 4 MiB file and map it. On /dev/shm set PMEM_IS_PMEM_FORCE=1 to take the flush-instruction path.
    using (PmemMapping map = Pmem.MapFile(path, 4 << 20, PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive))
    {
        Console.WriteLine($"mapped {path}: {map.Length} bytes, is_pmem={map.IsPmem}, granularity={map.Granularity}");
        byte[] greeting = Encoding.UTF8.GetBytes($"hello, persistent memory ({DateTime.UtcNow:O})");
        map.Ref<int>(0) = greeting.Length;
        map.Persist(0, sizeof(int));               // direct store, then flush + fence (or msync)
        map.Write(64, greeting);                   // memcpy + persist in one call (pmem_memcpy_persist)
    }
    using (PmemMapping map = Pmem.MapFile(path, 0)) // length 0: map the existing file whole
    {
        string text = Encoding.UTF8.GetString(map.GetSpan(64, map.Ref<int>(0)));
        Console.WriteLine($"after reopen: \"{text}\"");
        return text.StartsWith("hello", StringComparison.Ordinal);
    }
}

static bool ObjectPool(string path)
{
    const ulong PointType = 1;
    using (var pool = ObjPool.Create(path, "quickstart", 16 << 20))
    {
        PmemOid root = pool.Root(64);                             // zeroed on first use
        for (int i = 1; i <= 3; i++)
        {
            PmemOid p = pool.Allocate<Point>(PointType);         // atomic, zeroed, typed allocation
            pool.Ref<Point>(p) = new Point { X = i, Y = i * i };
            pool.Persist(p, 0, 16);
        }
        pool.Ref<long>(root) = 3;                                 // a counter in the root object
        pool.Persist(root, 0, sizeof(long));
    }
    using (var pool = ObjPool.Open(path, "quickstart"))            // recovery runs at open
    {
        long count = pool.Ref<long>(pool.Root(64));
        long sum = 0;
        foreach (PmemOid oid in pool.Objects(PointType))          // POBJ_FOREACH_TYPE
        {
            Point p = pool.Ref<Point>(oid);
            Console.WriteLine($"object {oid}: ({p.X}, {p.Y}), usable size {pool.UsableSize(oid)}");
            sum += p.X;
        }
        Console.WriteLine(count == 3 && sum == 6 ? "quickstart OK" : "objects did not survive");
        return count == 3 && sum == 6;
    }
}

internal struct Point
{
    public long X;
    public long Y;
}
