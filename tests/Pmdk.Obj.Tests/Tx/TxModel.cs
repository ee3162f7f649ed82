// The transactional workload shared by the compatibility tests: transaction k rewrites a snapshotted region and swaps one object.
using Pmdk.Obj.Tx;

namespace Pmdk.Obj.Tests.Tx;

/// <summary>
/// Root layout: counter at 0, the current object's OID at 16, then <see cref="Region"/> bytes that all equal the
/// counter. Transaction k snapshots everything (the snapshot spills into undo extensions), sets the bytes to k,
/// frees object k-1 and allocates object k (type 100+k; every third one a multi-chunk block).
/// </summary>
internal static class TxModel
{
    public const string Layout = "txmodel";
    public const int Region = 40_000;
    public const ulong RootSize = 64 + Region;

    public static ulong ObjectSize(int k) => k % 3 == 0 ? 300_000UL : (ulong)(100 + 40 * k);

    public static void Run(ObjPool pool, int k)
    {
        PmemOid root = pool.Root(RootSize);
        using ObjTransaction tx = pool.BeginTransaction();
        tx.AddRange(root, 0, 64);
        using (ObjTransaction inner = pool.BeginTransaction())
        {
            inner.AddRange(root, 32, RootSize - 32);
            inner.Commit();
        }
        pool.GetSpan(root).Slice(64, Region).Fill((byte)k);
        pool.Ref<long>(root) = k;
        tx.Free(pool.Ref<PmemOid>(root, 16));
        PmemOid fresh = tx.ZAllocate(ObjectSize(k), 100 + (ulong)k);
        pool.Ref<long>(fresh) = k;
        pool.Ref<PmemOid>(root, 16) = fresh;
        tx.Commit();
    }

    /// <summary>Checks the state after transaction <paramref name="c"/> (0 = none) from raw root bytes and the object list.</summary>
    public static void Verify(int c, ReadOnlySpan<byte> root, IReadOnlyList<(ulong Off, ulong Type)> objects, Func<ulong, long> readLong, string who)
    {
        long counter = BitConverter.ToInt64(root);
        if (counter != c)
            throw new InvalidDataException($"{who}: counter {counter}, expected {c}");
        int bad = root.Slice(64, Region).IndexOfAnyExcept((byte)c);
        if (bad >= 0)
            throw new InvalidDataException($"{who}: region byte {bad} is {root[64 + bad]}, expected {c} (a partial transaction)");
        ulong off = BitConverter.ToUInt64(root[24..]);
        if (c == 0)
        {
            if (off != 0 || objects.Count != 0)
                throw new InvalidDataException($"{who}: expected no object, found oid 0x{off:x} and {objects.Count} objects");
            return;
        }
        if (objects.Count != 1 || objects[0].Off != off || objects[0].Type != 100 + (ulong)c)
            throw new InvalidDataException($"{who}: expected one object of type {100 + c} at 0x{off:x}; found [{string.Join(", ", objects.Select(o => $"0x{o.Off:x}:{o.Type}"))}]");
        if (readLong(off) != c)
            throw new InvalidDataException($"{who}: object content {readLong(off)}, expected {c}");
    }

    /// <summary>Opens <paramref name="path"/> with our library (running recovery) and returns the counter after verifying.</summary>
    public static int VerifyOurs(string path, int lo, int hi)
    {
        int c;
        using (ObjPool pool = ObjPool.Open(path, Layout))
        {
            PmemOid root = pool.Root(RootSize);
            c = (int)pool.Ref<long>(root);
            if (c < lo || c > hi)
                throw new InvalidDataException($"ours: counter {c} outside [{lo}, {hi}]");
            var objects = pool.Objects().Select(o => (o.Offset, pool.TypeNumber(o))).ToList();
            Verify(c, pool.GetSpan(root)[..(int)RootSize], objects, off => pool.Ref<long>(new PmemOid(pool.UuidLo, off)), "ours");
        }
        if (!ObjPool.Check(path, Layout, out string? problem))
            throw new InvalidDataException($"ours: check failed after recovery: {problem}");
        return c;
    }
}
