// Persistence that mirrors every flushed range of the master replica into the local replicas (PMDK: libpmemobj/obj.c obj_rep_persist, obj_rep_flush, obj_rep_memcpy).
using Pmdk.Pmem;
using Pmdk.Pmem.Persistence;

namespace Pmdk.Obj.Replicas;

/// <summary>
/// The persistence of an obj pool with local replicas: a store is made durable in the master first, then the
/// same bytes are copied from the master into every replica at the same logical offset and made durable
/// there, so a replica holds whatever the master held at each drain. The pool header page (logical
/// [0, 4096)) is per replica and never mirrored.
/// </summary>
internal sealed unsafe class ReplicatedPersistence : IPersistence
{
    private const ulong HeaderPage = 4096;
    private readonly IPersistence _master;
    private readonly byte* _masterBase;
    private readonly IPersistence[] _replicas;
    private readonly ulong _size;

    /// <param name="master">The master replica's persistence.</param>
    /// <param name="masterBase">The master's logical address 0 (where mirrored bytes are read).</param>
    /// <param name="replicas">The other replicas' persistence (same logical offsets).</param>
    /// <param name="size">The pool size (the smallest replica): nothing beyond it is mirrored.</param>
    public ReplicatedPersistence(IPersistence master, byte* masterBase, IPersistence[] replicas, ulong size)
    {
        _master = master;
        _masterBase = masterBase;
        _replicas = replicas;
        _size = size;
        Granularity = master.Granularity;
    }

    public PmemGranularity Granularity { get; }

    public void Flush(ulong offset, ulong length)
    {
        _master.Flush(offset, length);
        Mirror(offset, length);
    }

    public void Drain()
    {
        _master.Drain();
        foreach (IPersistence r in _replicas)
            r.Drain();
    }

    public void Persist(ulong offset, ulong length)
    {
        Flush(offset, length);
        Drain();
    }

    public void Copy(ulong destination, ReadOnlySpan<byte> source, PmemFlags flags = PmemFlags.None)
    {
        _master.Copy(destination, source, flags | PmemFlags.NoDrain);
        Finish(destination, (ulong)source.Length, flags);
    }

    public void Move(ulong destination, ulong source, ulong length, PmemFlags flags = PmemFlags.None)
    {
        _master.Move(destination, source, length, flags | PmemFlags.NoDrain);
        Finish(destination, length, flags);
    }

    public void Fill(ulong destination, byte value, ulong length, PmemFlags flags = PmemFlags.None)
    {
        _master.Fill(destination, value, length, flags | PmemFlags.NoDrain);
        Finish(destination, length, flags);
    }

    private void Finish(ulong destination, ulong length, PmemFlags flags)
    {
        if ((flags & PmemFlags.NoFlush) != 0)
            return; // not flushed in the master either: it reaches the replicas with the caller's later flush
        Mirror(destination, length);
        if ((flags & PmemFlags.NoDrain) == 0)
            Drain();
    }

    /// <summary>Copies [offset, offset+length) of the master into every replica without draining.</summary>
    private void Mirror(ulong offset, ulong length)
    {
        ulong end = Math.Min(offset + length, _size);
        if (offset < HeaderPage)
            offset = HeaderPage;
        while (offset < end)
        {
            int n = (int)Math.Min(end - offset, 1UL << 30);
            var bytes = new ReadOnlySpan<byte>(_masterBase + offset, n);
            foreach (IPersistence r in _replicas)
                r.Copy(offset, bytes, PmemFlags.NoDrain);
            offset += (ulong)n;
        }
    }
}
