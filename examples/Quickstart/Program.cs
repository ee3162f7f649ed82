// Quickstart: map a file, write and persist data, reopen the file and show the data survived.
using System.Text;
using Pmdk.Pmem;

string directory = args.Length > 0 ? args[0] : (Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath());
string path = Path.Combine(directory, $"pmdk-quickstart-{Environment.ProcessId}.pmem");

try
{
    // 1. Create a 4 MiB file and map it. On /dev/shm set PMEM_IS_PMEM_FORCE=1 to take the flush-instruction path.
    using (PmemMapping map = Pmem.MapFile(path, 4 << 20, PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive))
    {
        Console.WriteLine($"mapped {path}: {map.Length} bytes, is_pmem={map.IsPmem}, granularity={map.Granularity}, " +
                          $"flush={map.Profile.Flush}, copy={map.Profile.Isa}");

        // 2. memcpy + persist in one call (pmem_memcpy_persist).
        byte[] greeting = Encoding.UTF8.GetBytes($"hello, persistent memory ({DateTime.UtcNow:O})");
        map.Ref<int>(0) = greeting.Length;
        map.Persist(0, sizeof(int));
        map.Write(64, greeting);

        // 3. Direct stores, then an explicit persist of just that range.
        Span<byte> counter = map.GetSpan(4096, 8);
        BitConverter.TryWriteBytes(counter, 42L);
        map.Persist(4096, 8);
    }

    // 4. Reopen the whole file (length 0) and read the data back.
    using (PmemMapping map = Pmem.MapFile(path, 0))
    {
        int length = map.Ref<int>(0);
        string text = Encoding.UTF8.GetString(map.GetSpan(64, length));
        long value = map.Ref<long>(4096);
        Console.WriteLine($"after reopen: \"{text}\", counter={value}");
        if (value != 42 || !text.StartsWith("hello", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("data did not survive");
            return 1;
        }
    }
    Console.WriteLine("quickstart OK");
    return 0;
}
finally
{
    File.Delete(path);
}
