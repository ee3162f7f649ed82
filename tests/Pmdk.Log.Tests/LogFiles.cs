// Small raw-file helpers for log tests: poke fields, snapshot bytes (PMDK: none; test support).
using System.Buffers.Binary;
using Pmdk.Pmem;
using Pmdk.Pmem.Persistence;
using Pmdk.Pool;

namespace Pmdk.Log.Tests;

internal static class LogFiles
{
    public static void Poke(string path, long offset, ulong value)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        byte[] b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        fs.Position = offset;
        fs.Write(b);
    }

    public static void PokeBytes(string path, long offset, ReadOnlySpan<byte> bytes)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        fs.Position = offset;
        fs.Write(bytes);
    }

    public static PoolHeader ReadHeader(string path)
    {
        using var fs = File.OpenRead(path);
        byte[] b = new byte[4096];
        fs.ReadExactly(b);
        return PoolHeader.Read(b);
    }

    /// <summary>Rewrites the header with a mutation and a correct checksum.</summary>
    public static void MutateHeader(string path, Func<PoolHeader, PoolHeader> change)
    {
        PoolHeader h = change(ReadHeader(path));
        h.UpdateChecksum();
        PokeBytes(path, 0, PoolHeader.AsBytes(in h));
    }
}

internal sealed class CountingProvider : IPersistenceProvider
{
    public CountingPersistence? Persistence { get; private set; }

    public IPersistence Create(PmemMapping mapping, IPersistence native) => Persistence = new CountingPersistence(native);
}

internal sealed class CountingPersistence(IPersistence inner) : IPersistence
{
    public int Calls;

    /// <summary>The flags of every <see cref="Copy"/>, in call order.</summary>
    public List<PmemFlags> CopyFlags { get; } = [];

    public PmemGranularity Granularity => inner.Granularity;

    public void Flush(ulong offset, ulong length) { Calls++; inner.Flush(offset, length); }

    public void Drain() { Calls++; inner.Drain(); }

    public void Persist(ulong offset, ulong length) { Calls++; inner.Persist(offset, length); }

    public void Copy(ulong destination, ReadOnlySpan<byte> source, PmemFlags flags = PmemFlags.None)
    {
        Calls++;
        CopyFlags.Add(flags);
        inner.Copy(destination, source, flags);
    }

    public void Move(ulong destination, ulong source, ulong length, PmemFlags flags = PmemFlags.None) { Calls++; inner.Move(destination, source, length, flags); }

    public void Fill(ulong destination, byte value, ulong length, PmemFlags flags = PmemFlags.None) { Calls++; inner.Fill(destination, value, length, flags); }
}
