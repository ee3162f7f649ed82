// Hash map changes: insert, replace, remove and the transactional rehash (PMDK: examples/libpmemobj/hashmap/hashmap_tx.c insert/remove/rebuild).
using Pmdk.Obj.Tx;
using Pmdk.Obj.Typed;

namespace Pmdk.Obj.Collections;

public sealed partial class PersistentHashMap<TKey, TValue>
{
    /// <summary>Adds the key if it is absent. Returns false (and changes nothing) when it is present.</summary>
    public bool TryAdd(TKey key, TValue value) => Put(key, value, overwrite: false);

    /// <summary>Inserts or replaces. Returns true when the key was new.</summary>
    public bool Set(TKey key, TValue value) => Put(key, value, overwrite: true);

    /// <summary>Removes the key; returns whether it was present.</summary>
    public bool Remove(TKey key) => Remove(key, out _);

    /// <summary>Removes the key and returns its value.</summary>
    public bool Remove(TKey key, out TValue value)
    {
        ulong hash = Hash(in key);
        value = default;
        bool removed = false;
        ReaderWriterLockSlim? held = null;
        try
        {
            using ObjTransaction tx = _pool.BeginTransaction();
            ulong b = LockStripe(tx, hash, ref held);
            PmemOid e = Find(b, hash, in key, out PmemOid prev);
            if (!e.IsNull)
            {
                ref HashEntry<TKey, TValue> en = ref EntryRef(e);
                value = en.Value;
                ref PmemOid link = ref prev.IsNull ? ref BucketRef(b) : ref EntryRef(prev).Next;
                tx.Snapshot(ref link);
                link = en.Next;
                tx.Free(e);
                ref ulong c = ref CounterRef(b & (StripeCount - 1));
                tx.Snapshot(ref c);
                c--;
                removed = true;
            }
            tx.Commit();
        }
        finally
        {
            Unlock(held);
        }
        return removed;
    }

    private bool Put(TKey key, TValue value, bool overwrite)
    {
        ulong hash = Hash(in key);
        bool added = false;
        ReaderWriterLockSlim? held = null;
        try
        {
            using ObjTransaction tx = _pool.BeginTransaction();
            ulong b = LockStripe(tx, hash, ref held);
            PmemOid e = Find(b, hash, in key, out _);
            if (!e.IsNull)
            {
                if (overwrite)
                {
                    ref TValue v = ref EntryRef(e).Value;
                    tx.Snapshot(ref v);
                    v = value;
                }
            }
            else
            {
                // The entry is new in this transaction: it needs no snapshot, the bucket link and counter do.
                PmemOid n = tx.Allocate(EntrySize, HeaderTypeNumber + 3);
                ref PmemOid head = ref BucketRef(b);
                ref HashEntry<TKey, TValue> en = ref EntryRef(n);
                en.Next = head;
                en.Hash = hash;
                en.Key = key;
                en.Value = value;
                tx.Snapshot(ref head);
                head = n;
                ref ulong c = ref CounterRef(b & (StripeCount - 1));
                tx.Snapshot(ref c);
                c++;
                added = true;
            }
            tx.Commit();
        }
        finally
        {
            Unlock(held);
        }
        if (added)
            MaybeGrow();
        return added;
    }

    /// <summary>
    /// Takes the resize lock (shared) and the key's stripe lock (exclusive). Inside a caller's transaction they
    /// are released when it ends (so no one sees uncommitted data); otherwise <paramref name="held"/> is set for
    /// the caller to release after its own transaction ended.
    /// </summary>
    private ulong LockStripe(ObjTransaction tx, ulong hash, ref ReaderWriterLockSlim? held)
    {
        MapLocks locks = _locks;
        locks.Resize.EnterReadLock();
        ulong b = hash & (Header.BucketCount - 1);
        ReaderWriterLockSlim stripe = locks.Stripes[b & (StripeCount - 1)];
        stripe.EnterWriteLock();
        if (tx.Depth > 1)
        {
            tx.OnFinally(() =>
            {
                stripe.ExitWriteLock();
                locks.Resize.ExitReadLock();
            });
        }
        else
        {
            held = stripe;
        }
        return b;
    }

    private void Unlock(ReaderWriterLockSlim? held)
    {
        if (held is null)
            return;
        held.ExitWriteLock();
        _locks.Resize.ExitReadLock();
    }

    /// <summary>Doubles the buckets when the load passes 1; skipped inside a caller's transaction (its locks are held).</summary>
    private void MaybeGrow()
    {
        if (ObjTransaction.CurrentStage != TxStage.None || _locks.Resize.IsReadLockHeld || _locks.Resize.IsWriteLockHeld)
            return;
        if (SumCounts() <= Header.BucketCount)
            return;
        _locks.Resize.EnterWriteLock();
        try
        {
            if (SumCounts() > Header.BucketCount)
                Rehash(Header.BucketCount * 2);
        }
        finally
        {
            _locks.Resize.ExitWriteLock();
        }
    }

    /// <summary>Moves every entry into a new bucket array of <paramref name="newCount"/> buckets, in one transaction.</summary>
    private void Rehash(ulong newCount)
    {
        using ObjTransaction tx = _pool.BeginTransaction();
        ref HashMapHeader h = ref tx.Modify(ref Header);
        PmemOid fresh = tx.ZAllocate(newCount * 16, HeaderTypeNumber + 1);
        ulong old = h.BucketCount;
        for (ulong b = 0; b < old; b++)
        {
            PmemOid e = BucketRef(b);
            while (!e.IsNull)
            {
                ref HashEntry<TKey, TValue> en = ref EntryRef(e);
                PmemOid next = en.Next;
                ref PmemOid head = ref _pool.Ref<PmemOid>(fresh, (en.Hash & (newCount - 1)) * 16);
                tx.Snapshot(ref en.Next);
                en.Next = head;
                head = e;
                e = next;
            }
        }
        // Each entry keeps its stripe (bucket mod 64 = hash mod 64 for any power-of-two count ≥ 64): counters stay.
        tx.Free(h.Buckets);
        h.Buckets = fresh;
        h.BucketCount = newCount;
        tx.Commit();
    }

    /// <summary>Frees every entry, the buckets, the counters and the header in <paramref name="tx"/>.</summary>
    public void Delete(ObjTransaction tx)
    {
        PersistentObject.RequireTx(tx);
        ref HashMapHeader h = ref Header;
        for (ulong b = 0; b < h.BucketCount; b++)
        {
            for (PmemOid e = BucketRef(b); !e.IsNull; e = EntryRef(e).Next)
                tx.Free(e);
        }
        tx.Free(h.Buckets);
        tx.Free(h.Counts);
        tx.Free(Oid);
    }
}
