// Micro-benchmarks of the libpmem layer's hot calls on emulated pmem (PMDK: benchmarks/pmem_memcpy.cpp, pmem_flush.cpp).
using BenchmarkDotNet.Attributes;
using Pmdk.Pmem;

namespace Pmdk.Benchmarks;

/// <summary>
/// <c>mapping.Write</c> (memcpy_persist) of 64 B and 4 KiB and <c>mapping.Persist</c> of one dirty 64-byte line,
/// on a 64 MiB file in /dev/shm mapped as forced pmem (cache-line granularity). Each call walks to the next slot
/// so consecutive ops touch different lines, as in pmembench.
/// </summary>
[MemoryDiagnoser]
public class PersistBenchmarks : IDisposable
{
    private const ulong MapLength = 64UL << 20;
    private readonly byte[] _source = new byte[4096];
    private PmemMapping? _mapping;
    private string? _path;
    private ulong _offset;

    /// <summary>Creates the mapping and zeroes it, so page faults stay out of the measurement.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(),
            $"pmdk-bdn-{Environment.ProcessId}");
        File.Delete(_path);
        _mapping = Pmem.Pmem.MapFile(_path, MapLength, PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive,
            new PmemMapSettings { IsPmemForce = true });
        _mapping.Fill(0, 0, MapLength);
        for (int i = 0; i < _source.Length; i++)
            _source[i] = (byte)(i * 31 + 7);
    }

    /// <summary>Unmaps and removes the file.</summary>
    [GlobalCleanup]
    public void Cleanup() => Dispose();

    /// <summary>memcpy_persist of <paramref name="size"/> bytes. C: <c>pmem_memcpy_persist</c>.</summary>
    [Benchmark]
    [Arguments(64)]
    [Arguments(4096)]
    public void Write(int size)
    {
        _mapping!.Write(_offset, _source.AsSpan(0, size));
        _offset = (_offset + (ulong)size) % MapLength;
    }

    /// <summary>Dirty one 64-byte line and persist it. C: <c>pmem_persist</c>.</summary>
    [Benchmark]
    public void Persist64()
    {
        _mapping!.Ref<ulong>(_offset)++;
        _mapping.Persist(_offset, 64);
        _offset = (_offset + 64) % MapLength;
    }

    /// <summary>Unmaps and removes the file.</summary>
    public void Dispose()
    {
        _mapping?.Dispose();
        _mapping = null;
        if (_path is not null)
            File.Delete(_path);
        GC.SuppressFinalize(this);
    }
}
