// The non-transactional atomic API: alloc, zalloc, realloc, free, strdup, usable size, type number (PMDK: libpmemobj/obj.c pmemobj_alloc & co).
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Pmdk.Obj.Alloc;

namespace Pmdk.Obj;

public sealed unsafe partial class ObjPool
{
    /// <summary>Largest allocation. C: <c>PMEMOBJ_MAX_ALLOC_SIZE</c>.</summary>
    public const ulong MaxAllocSize = 0x3FFDFFFC0;

    /// <summary>Allocates an object, runs <paramref name="constructor"/> on it, then publishes it atomically.</summary>
    /// <param name="size">Bytes requested (1..<see cref="MaxAllocSize"/>).</param>
    /// <param name="typeNumber">The type number stored with the object.</param>
    /// <param name="constructor">Optional initializer; throwing cancels the allocation.</param>
    /// <exception cref="PoolFullException">No space.</exception>
    /// <remarks>C: <c>pmemobj_alloc</c></remarks>
    public PmemOid Allocate(ulong size, ulong typeNumber, ObjectConstructor? constructor = null)
    {
        CheckSize(size);
        if (constructor is null)
        {
            var none = default(NoInit);
            return Oid(Operate(0, size, typeNumber, ref none, 0));
        }
        var init = new ConstructorInit(constructor, zero: false);
        return Oid(Operate(0, size, typeNumber, ref init, 0));
    }

    /// <summary>Allocates an object initialized by a constructor with state. C: <c>pmemobj_alloc</c> with <c>arg</c>.</summary>
    public PmemOid Allocate<TState>(ulong size, ulong typeNumber, SpanAction<byte, TState> constructor, TState state)
    {
        ArgumentNullException.ThrowIfNull(constructor);
        CheckSize(size);
        var init = new StateConstructorInit<TState>(constructor, state, zero: false);
        return Oid(Operate(0, size, typeNumber, ref init, 0));
    }

    /// <summary>Allocates a zeroed object sized for <typeparamref name="T"/>.</summary>
    public PmemOid Allocate<T>(ulong typeNumber) where T : unmanaged => ZAllocate((ulong)sizeof(T), typeNumber);

    /// <summary>Allocates a zeroed object. C: <c>pmemobj_zalloc</c>.</summary>
    public PmemOid ZAllocate(ulong size, ulong typeNumber)
    {
        CheckSize(size);
        var zero = default(ZeroInit);
        return Oid(Operate(0, size, typeNumber, ref zero, 0));
    }

    /// <summary>
    /// Allocates into <paramref name="destination"/>. When it lives inside this pool, the OID is written in the
    /// same redo log as the allocation (fail-safe). C: <c>pmemobj_alloc(pop, oidp, ...)</c>.
    /// </summary>
    public void AllocateInto(ref PmemOid destination, ulong size, ulong typeNumber, ObjectConstructor? constructor = null, bool zero = false)
    {
        CheckSize(size);
        ulong dest = DestinationField(ref destination);
        ulong off;
        if (constructor is not null)
        {
            var init = new ConstructorInit(constructor, zero);
            off = Operate(0, size, typeNumber, ref init, dest);
        }
        else if (zero)
        {
            var z = default(ZeroInit);
            off = Operate(0, size, typeNumber, ref z, dest);
        }
        else
        {
            var none = default(NoInit);
            off = Operate(0, size, typeNumber, ref none, dest);
        }
        if (dest == 0)
            destination = Oid(off);
    }

    /// <summary>
    /// Resizes an object: a new block gets the old contents (and zeros past them when <paramref name="zero"/>),
    /// the old block is freed, atomically. A null <paramref name="oid"/> allocates; size 0 frees.
    /// </summary>
    /// <remarks>C: <c>pmemobj_realloc</c>, <c>pmemobj_zrealloc</c></remarks>
    public PmemOid Reallocate(PmemOid oid, ulong size, ulong typeNumber, bool zero = false)
    {
        PmemOid result = oid;
        ReallocateInto(ref result, size, typeNumber, zero);
        return result;
    }

    /// <summary>Like <see cref="Reallocate"/>, zeroing the grown tail. C: <c>pmemobj_zrealloc</c>.</summary>
    public PmemOid ZReallocate(PmemOid oid, ulong size, ulong typeNumber) => Reallocate(oid, size, typeNumber, zero: true);

    /// <summary>Reallocates the OID at <paramref name="oid"/> in place (fail-safe when it lives in the pool). C: <c>pmemobj_realloc</c>.</summary>
    public void ReallocateInto(ref PmemOid oid, ulong size, ulong typeNumber, bool zero = false)
    {
        if (size > MaxAllocSize)
            throw new ArgumentOutOfRangeException(nameof(size), $"size {size} exceeds {MaxAllocSize}.");
        ulong dest = DestinationField(ref oid);
        ulong off;
        if (oid.IsNull)
        {
            if (size == 0)
                return;
            if (zero)
            {
                var z = default(ZeroInit);
                off = Operate(0, size, typeNumber, ref z, dest);
            }
            else
            {
                var none = default(NoInit);
                off = Operate(0, size, typeNumber, ref none, dest);
            }
        }
        else
        {
            CheckOid(oid);
            ulong oldUsable = size == 0 ? 0 : UsableSize(oid);
            var copy = new CopyInit(oid.Offset, oldUsable, zero);
            off = Operate(oid.Offset, size, typeNumber, ref copy, dest);
        }
        if (dest == 0)
            oid = Oid(off);
    }

    /// <summary>
    /// Frees the object and sets <paramref name="oid"/> to null; when the OID lives in the pool both happen in
    /// one redo log. A null OID is ignored.
    /// </summary>
    /// <remarks>C: <c>pmemobj_free</c></remarks>
    public void Free(ref PmemOid oid)
    {
        if (oid.IsNull)
            return;
        CheckOid(oid);
        ulong dest = DestinationField(ref oid);
        var none = default(NoInit);
        Operate(oid.Offset, 0, 0, ref none, dest);
        if (dest == 0)
            oid = PmemOid.Null;
    }

    /// <summary>Duplicates a string as NUL-terminated UTF-8. C: <c>pmemobj_strdup</c>.</summary>
    public PmemOid StrDup(string value, ulong typeNumber)
    {
        ArgumentNullException.ThrowIfNull(value);
        int n = Encoding.UTF8.GetByteCount(value);
        return Allocate((ulong)n + 1, typeNumber, static (span, s) =>
        {
            int w = Encoding.UTF8.GetBytes(s, span);
            span[w] = 0;
        }, value);
    }

    /// <summary>Duplicates a string as NUL-terminated UTF-16LE (2-byte units, like .NET's <see cref="string"/>).</summary>
    public PmemOid StrDupUtf16(string value, ulong typeNumber)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Allocate(((ulong)value.Length + 1) * 2, typeNumber, static (span, s) =>
        {
            Encoding.Unicode.GetBytes(s, span);
            span.Slice(s.Length * 2, 2).Clear();
        }, value);
    }

    /// <summary>
    /// Duplicates a string as NUL-terminated UTF-32LE, which is what C's <c>pmemobj_wcsdup</c> stores on Linux
    /// (4-byte <c>wchar_t</c>). C: <c>pmemobj_wcsdup</c>.
    /// </summary>
    public PmemOid WcsDup(string value, ulong typeNumber)
    {
        ArgumentNullException.ThrowIfNull(value);
        int n = Encoding.UTF32.GetByteCount(value);
        return Allocate((ulong)n + 4, typeNumber, static (span, s) =>
        {
            int w = Encoding.UTF32.GetBytes(s, span);
            span.Slice(w, 4).Clear();
        }, value);
    }

    /// <summary>Reads a NUL-terminated UTF-8 string object.</summary>
    public string ReadString(PmemOid oid)
    {
        ReadOnlySpan<byte> s = GetSpan(oid);
        int n = s.IndexOf((byte)0);
        return Encoding.UTF8.GetString(n < 0 ? s : s[..n]);
    }

    /// <summary>Usable bytes of an object. C: <c>pmemobj_alloc_usable_size</c>.</summary>
    public ulong UsableSize(PmemOid oid)
    {
        if (oid.IsNull)
            return 0;
        CheckOid(oid);
        return _alloc.Heap.Resolve(oid.Offset, requireAllocated: false).UsableSize;
    }

    /// <summary>The type number of an object. C: <c>pmemobj_type_num</c>.</summary>
    public ulong TypeNumber(PmemOid oid)
    {
        CheckOid(oid);
        return _alloc.Heap.Resolve(oid.Offset, requireAllocated: false).TypeNum;
    }

    private ulong Operate<TInit>(ulong freeOff, ulong size, ulong typeNumber, ref TInit init, ulong dest)
        where TInit : struct, IBlockInitializer
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PAllocator.ExtraSets none = default;
        return _alloc.Operate(freeOff, size, typeNumber, 0, ref init, dest, in none);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private PmemOid Oid(ulong off) => off == 0 ? PmemOid.Null : new PmemOid(UuidLo, off);

    private ulong DestinationField(ref PmemOid oid)
    {
        byte* p = (byte*)Unsafe.AsPointer(ref oid);
        if (p < _pool.Base || p + sizeof(PmemOid) > _pool.Base + _pool.Size)
            return 0;
        return (ulong)(p - _pool.Base);
    }

    private static void CheckSize(ulong size)
    {
        if (size == 0)
            throw new ArgumentOutOfRangeException(nameof(size), "cannot allocate 0 bytes.");
        if (size > MaxAllocSize)
            throw new ArgumentOutOfRangeException(nameof(size), $"size {size} exceeds {MaxAllocSize}.");
    }
}
