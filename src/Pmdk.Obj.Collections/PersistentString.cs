// A transactional UTF-8 string in pool memory (PMDK: libpmemobj-cpp container/string.hpp basic_string).
using System.Runtime.InteropServices;
using System.Text;
using Pmdk.Obj.Tx;
using Pmdk.Obj.Typed;

namespace Pmdk.Obj.Collections;

/// <summary>The on-media header of a <see cref="PersistentString"/>: 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StringHeader
{
    public ulong Length;
    public ulong Capacity;
    public PmemOid Data;
}

/// <summary>
/// A mutable UTF-8 string living in a pool; every change is transactional. The storage keeps a NUL after the
/// bytes (so C code can read it as a <c>char*</c>). Reopen with <see cref="Open"/>. Not thread-safe.
/// </summary>
/// <remarks>C++: <c>pmem::obj::string</c></remarks>
public sealed class PersistentString
{
    private readonly ObjPool _pool;

    private PersistentString(ObjPool pool, PmemOid oid)
    {
        _pool = pool;
        Oid = oid;
    }

    /// <summary>The type number of the string's header object.</summary>
    public static ulong HeaderTypeNumber { get; } = TypeNumber.Of("Pmdk.PersistentString");

    /// <summary>The header object's OID.</summary>
    public PmemOid Oid { get; }

    /// <summary>Length in UTF-8 bytes.</summary>
    public int ByteLength => (int)Header.Length;

    private ref StringHeader Header => ref _pool.Ref<StringHeader>(Oid);

    /// <summary>Creates a string in <paramref name="tx"/> holding <paramref name="value"/>.</summary>
    public static PersistentString Create(ObjTransaction tx, string value = "")
    {
        PersistentObject.RequireTx(tx);
        ArgumentNullException.ThrowIfNull(value);
        var s = new PersistentString(tx.Pool, tx.ZAllocate(32, HeaderTypeNumber));
        s.Assign(value);
        return s;
    }

    /// <summary>Opens the string whose header is <paramref name="oid"/>.</summary>
    public static PersistentString Open(ObjPool pool, PmemOid oid)
    {
        PersistentObject.CheckHeader(pool, oid, HeaderTypeNumber, 32, "PersistentString");
        var s = new PersistentString(pool, oid);
        ref StringHeader h = ref s.Header;
        if (h.Length > h.Capacity || (h.Capacity > 0 && (h.Data.IsNull || pool.UsableSize(h.Data) < h.Capacity + 1)))
            throw new PoolCorruptedException($"string {oid}: length {h.Length}, capacity {h.Capacity} and storage {h.Data} disagree.", pool.Path);
        return s;
    }

    /// <summary>The UTF-8 bytes (valid until the string changes).</summary>
    public ReadOnlySpan<byte> Utf8
    {
        get
        {
            ref StringHeader h = ref Header;
            return h.Length == 0 ? [] : _pool.GetSpan(h.Data)[..(int)h.Length];
        }
    }

    /// <summary>The value as a .NET string.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Utf8);

    /// <summary>Replaces the contents.</summary>
    public void Assign(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        byte[] b = Encoding.UTF8.GetBytes(value);
        Assign(b);
    }

    /// <summary>Replaces the contents with UTF-8 bytes.</summary>
    public void Assign(ReadOnlySpan<byte> utf8)
    {
        using ObjTransaction tx = _pool.BeginTransaction();
        ref StringHeader h = ref tx.Modify(ref Header);
        if ((ulong)utf8.Length > h.Capacity)
        {
            // Fresh storage: the old bytes stay intact for an abort; no snapshot needed.
            tx.Free(h.Data);
            h.Capacity = (ulong)utf8.Length;
            h.Data = tx.Allocate(h.Capacity + 1, HeaderTypeNumber + 1);
        }
        else if (h.Capacity > 0)
        {
            tx.AddRange(h.Data, 0, (ulong)utf8.Length + 1);
        }
        if (h.Capacity > 0)
        {
            Span<byte> d = _pool.GetSpan(h.Data);
            utf8.CopyTo(d);
            d[utf8.Length] = 0;
        }
        h.Length = (ulong)utf8.Length;
        tx.Commit();
    }

    /// <summary>Appends text.</summary>
    public void Append(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Append(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Appends UTF-8 bytes, growing the storage (doubling) when needed.</summary>
    public void Append(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
            return;
        using ObjTransaction tx = _pool.BeginTransaction();
        ref StringHeader h = ref tx.Modify(ref Header);
        ulong need = h.Length + (ulong)utf8.Length;
        if (need > h.Capacity)
        {
            ulong cap = Math.Max(need, h.Capacity * 2);
            h.Data = tx.Reallocate(h.Data, cap + 1, HeaderTypeNumber + 1);
            h.Capacity = cap;
        }
        else
        {
            // Bytes past Length are dead until Length moves (flushed at commit, not snapshotted), but the
            // terminator at Length is live (snapshotted).
            tx.AddRange(h.Data, h.Length, 1);
            tx.AddRange(h.Data, h.Length + 1, (ulong)utf8.Length, TxAddFlags.NoSnapshot);
        }
        Span<byte> d = _pool.GetSpan(h.Data);
        utf8.CopyTo(d[(int)h.Length..]);
        d[(int)need] = 0;
        h.Length = need;
        tx.Commit();
    }

    /// <summary>Frees the storage and the header in <paramref name="tx"/>.</summary>
    public void Delete(ObjTransaction tx)
    {
        PersistentObject.RequireTx(tx);
        tx.Free(Header.Data);
        tx.Free(Oid);
    }
}
