// Persistence over the parts of a multi-part replica: routes logical ranges to each part's IPersistence (PMDK: common/set.c).
using Pmdk.Pmem;
using Pmdk.Pmem.Persistence;

namespace Pmdk.Pool;

/// <summary>
/// An <see cref="IPersistence"/> for a replica made of several part mappings placed back to back in one
/// reservation. Offsets are logical (replica) offsets; each range is split at part boundaries and handed to
/// the part mapping's own persistence (which may be simulated), so durability still flows through the seam.
/// </summary>
internal sealed class PoolSetPersistence : IPersistence
{
    private readonly (ulong Start, ulong Length, PmemMapping Mapping)[] _segments;

    public PoolSetPersistence((ulong Start, ulong Length, PmemMapping Mapping)[] segments)
    {
        _segments = segments;
        Granularity = segments.Max(s => s.Mapping.Persistence.Granularity);
    }

    public PmemGranularity Granularity { get; }

    public void Flush(ulong offset, ulong length) =>
        ForEach(offset, length, static (p, off, len) => p.Flush(off, len));

    public void Drain()
    {
        foreach (var s in _segments)
            s.Mapping.Persistence.Drain();
    }

    public void Persist(ulong offset, ulong length)
    {
        Flush(offset, length);
        Drain();
    }

    public void Copy(ulong destination, ReadOnlySpan<byte> source, PmemFlags flags = PmemFlags.None)
    {
        ulong done = 0;
        while (done < (ulong)source.Length)
        {
            var (seg, local, n) = Locate(destination + done, (ulong)source.Length - done);
            seg.Persistence.Copy(local, source.Slice((int)done, (int)n), flags | PmemFlags.NoDrain);
            done += n;
        }
        FinishStore(flags);
    }

    public void Move(ulong destination, ulong source, ulong length, PmemFlags flags = PmemFlags.None)
    {
        if (length == 0)
            return;
        var (d, dl, dn) = Locate(destination, length);
        var (s, sl, sn) = Locate(source, length);
        if (ReferenceEquals(d, s) && dn == length && sn == length)
        {
            d.Persistence.Move(dl, sl, length, flags);
            return;
        }
        // Crosses parts: take a copy of the source first (memmove semantics), then copy it in part by part.
        const int Chunk = 1 << 20;
        byte[] tmp = new byte[Math.Min(length, (ulong)int.MaxValue)];
        if ((ulong)tmp.Length < length)
            throw new NotSupportedException("a cross-part move larger than 2 GiB is not supported.");
        ulong read = 0;
        while (read < length)
        {
            var (m, local, n) = Locate(source + read, length - read);
            m.GetSpan(local, (int)n).CopyTo(tmp.AsSpan((int)read));
            read += n;
        }
        for (int off = 0; off < tmp.Length; off += Chunk)
            Copy(destination + (ulong)off, tmp.AsSpan(off, Math.Min(Chunk, tmp.Length - off)), flags | PmemFlags.NoDrain);
        FinishStore(flags);
    }

    public void Fill(ulong destination, byte value, ulong length, PmemFlags flags = PmemFlags.None)
    {
        ForEach(destination, length, (p, off, len) => p.Fill(off, value, len, flags | PmemFlags.NoDrain));
        FinishStore(flags);
    }

    private void FinishStore(PmemFlags flags)
    {
        if ((flags & (PmemFlags.NoDrain | PmemFlags.NoFlush)) == 0)
            Drain();
    }

    private void ForEach(ulong offset, ulong length, Action<IPersistence, ulong, ulong> action)
    {
        ulong done = 0;
        while (done < length)
        {
            var (seg, local, n) = Locate(offset + done, length - done);
            action(seg.Persistence, local, n);
            done += n;
        }
    }

    private (PmemMapping Mapping, ulong Local, ulong Count) Locate(ulong offset, ulong length)
    {
        foreach (var (start, len, mapping) in _segments)
        {
            if (offset >= start && offset < start + len)
                return (mapping, offset - start, Math.Min(length, start + len - offset));
        }
        throw new ArgumentOutOfRangeException(nameof(offset), $"logical offset {offset} lies outside the pool.");
    }
}
