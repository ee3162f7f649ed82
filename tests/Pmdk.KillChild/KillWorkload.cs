// The workload a child process runs until it is killed: value moves between counters, a ring of tx records (PMDK: none; test support for tx crash consistency).
using Pmdk.Obj;

namespace Pmdk.KillChild;

/// <summary>
/// Layout and transactions of the kill -9 workload. The root holds the id of the last committed transaction,
/// <see cref="Counters"/> OIDs of counter objects whose values always sum to <see cref="Total"/>, and a ring of
/// <see cref="RingSize"/> record OIDs: slot <c>id % RingSize</c> holds the record of transaction <c>id</c> for the last
/// <see cref="RingSize"/> committed ids. Every transaction moves an amount between two counters, frees the record it
/// evicts from the ring and allocates its own; every tenth also replaces a counter object (alloc + copy + free);
/// every seventh attempt throws in the middle and must leave no trace.
/// </summary>
public static class KillWorkload
{
    /// <summary>Pool layout name.</summary>
    public const string Layout = "killtx";

    /// <summary>Number of counters.</summary>
    public const int Counters = 16;

    /// <summary>Records kept.</summary>
    public const int RingSize = 64;

    /// <summary>Initial value of each counter.</summary>
    public const long Initial = 1000;

    /// <summary>Sum of the counters, constant.</summary>
    public const long Total = Counters * Initial;

    /// <summary>Root object size.</summary>
    public const ulong RootSize = RingOffset + RingSize * 16;

    /// <summary>Root: last committed transaction id.</summary>
    public const ulong LastTxOffset = 0;

    /// <summary>Root: the counters' OIDs.</summary>
    public const ulong CountersOffset = 64;

    /// <summary>Root: the ring of record OIDs.</summary>
    public const ulong RingOffset = CountersOffset + Counters * 16;

    /// <summary>Type number of counter objects (value at 0, id of the tx that last wrote it at 8).</summary>
    public const ulong CounterType = 1;

    /// <summary>Type number of record objects (tx id at 0, from at 8, to at 16, amount at 24).</summary>
    public const ulong RecordType = 2;

    /// <summary>Size of counter and record objects.</summary>
    public const ulong ObjectSize = 64;

    /// <summary>Creates the pool's root and counters (one transaction).</summary>
    public static void Initialize(ObjPool pool)
    {
        PmemOid root = pool.Root(RootSize);
        pool.Transaction(tx =>
        {
            tx.AddRange(root, 0, RootSize);
            for (int i = 0; i < Counters; i++)
            {
                PmemOid c = tx.ZAllocate(ObjectSize, CounterType);
                pool.Ref<long>(c) = Initial;
                pool.Ref<PmemOid>(root, CountersOffset + (ulong)i * 16) = c;
            }
        });
    }

    /// <summary>Attempts transaction <paramref name="id"/> (the next id); returns false when it aborted on purpose.</summary>
    public static bool Step(ObjPool pool, long id, int attempt, Random rng)
    {
        PmemOid root = pool.RootOrNull;
        int from = rng.Next(Counters);
        int to = (from + 1 + rng.Next(Counters - 1)) % Counters;
        long amount = rng.Next(1, 50);
        bool fail = attempt % 7 == 6;
        try
        {
            pool.Transaction(tx =>
            {
                tx.AddRange(root, LastTxOffset, 8);
                PmemOid a = pool.Ref<PmemOid>(root, CountersOffset + (ulong)from * 16);
                PmemOid b = pool.Ref<PmemOid>(root, CountersOffset + (ulong)to * 16);
                tx.AddRange(a, 0, 16);
                tx.AddRange(b, 0, 16);
                pool.Ref<long>(a) -= amount;
                pool.Ref<long>(a, 8) = id;
                if (fail)
                {
                    PmemOid junk = tx.ZAllocate(ObjectSize, RecordType);
                    pool.Ref<long>(junk) = -id;
                    throw new InvalidOperationException("planned abort");
                }
                pool.Ref<long>(b) += amount;
                pool.Ref<long>(b, 8) = id;
                if (id % 10 == 0)
                {
                    PmemOid fresh = tx.ZAllocate(ObjectSize, CounterType);
                    pool.GetSpan(a)[..16].CopyTo(pool.GetSpan(fresh));
                    tx.AddRange(root, CountersOffset + (ulong)from * 16, 16);
                    pool.Ref<PmemOid>(root, CountersOffset + (ulong)from * 16) = fresh;
                    tx.Free(a);
                }
                ulong slot = RingOffset + (ulong)(id % RingSize) * 16;
                tx.AddRange(root, slot, 16);
                PmemOid old = pool.Ref<PmemOid>(root, slot);
                if (!old.IsNull)
                    tx.Free(old);
                PmemOid rec = tx.ZAllocate(ObjectSize, RecordType);
                pool.Ref<long>(rec) = id;
                pool.Ref<long>(rec, 8) = from;
                pool.Ref<long>(rec, 16) = to;
                pool.Ref<long>(rec, 24) = amount;
                pool.Ref<PmemOid>(root, slot) = rec;
                pool.Ref<long>(root, LastTxOffset) = id;
            });
            return true;
        }
        catch (InvalidOperationException e) when (fail && e.Message == "planned abort")
        {
            return false;
        }
    }

    /// <summary>
    /// Checks the invariants through <paramref name="read"/> (a reader of 8 bytes at an object offset, so that both
    /// our pool and C's can be checked) and the list of (offset, type) of every object. Returns the last committed id.
    /// </summary>
    public static long Verify(PmemOid root, Func<PmemOid, ulong, long> read, IReadOnlyList<(ulong Off, ulong Type)> objects)
    {
        long last = read(root, LastTxOffset);
        if (last < 0)
            throw new InvalidDataException($"last tx id {last}");
        var counters = new HashSet<ulong>();
        long sum = 0;
        for (int i = 0; i < Counters; i++)
        {
            PmemOid c = Oid(root, read, CountersOffset + (ulong)i * 16);
            if (c.IsNull || !counters.Add(c.Offset))
                throw new InvalidDataException($"counter {i}: OID {c} null or shared");
            sum += read(c, 0);
            long writer = read(c, 8);
            if (writer > last)
                throw new InvalidDataException($"counter {i} written by tx {writer} after the last committed {last}");
        }
        if (sum != Total)
            throw new InvalidDataException($"the counters sum to {sum}, expected {Total} (last tx {last})");
        var records = new HashSet<ulong>();
        for (int s = 0; s < RingSize; s++)
        {
            // The newest committed id that maps to this slot, or none.
            long id = last - ((last - s) % RingSize + RingSize) % RingSize;
            PmemOid r = Oid(root, read, RingOffset + (ulong)s * 16);
            if (id < 1)
            {
                if (!r.IsNull)
                    throw new InvalidDataException($"ring slot {s} filled though no tx for it committed (last {last})");
                continue;
            }
            if (r.IsNull)
                throw new InvalidDataException($"record of committed tx {id} missing (last {last})");
            long got = read(r, 0);
            if (got != id)
                throw new InvalidDataException($"ring slot {s} holds tx {got}, expected {id} (last {last})");
            records.Add(r.Offset);
        }
        int expectedRecords = (int)Math.Min(last, RingSize);
        var types = objects.Where(o => o.Off != root.Offset).ToList();
        int nCounters = types.Count(o => o.Type == CounterType);
        int nRecords = types.Count(o => o.Type == RecordType);
        if (nCounters != Counters || nRecords != expectedRecords || types.Count != Counters + expectedRecords)
            throw new InvalidDataException($"objects: {nCounters} counters, {nRecords} records, {types.Count} in all; expected {Counters} and {expectedRecords} (a leak or a lost object)");
        foreach ((ulong off, ulong type) in types)
        {
            if (type == CounterType ? !counters.Contains(off) : !records.Contains(off))
                throw new InvalidDataException($"object 0x{off:x} of type {type} is not linked from the root");
        }
        return last;
    }

    private static PmemOid Oid(PmemOid root, Func<PmemOid, ulong, long> read, ulong at) =>
        new((ulong)read(root, at), (ulong)read(root, at + 8));
}
