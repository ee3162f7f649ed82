// Transactional allocation and free: reservations published at commit, cancelled at abort (PMDK: libpmemobj/tx.c pmemobj_tx_alloc/zalloc/xalloc/realloc/strdup/free/publish).
using System.Text;
using Pmdk.Obj.Actions;
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Heap;

namespace Pmdk.Obj.Tx;

public sealed partial class ObjTransaction
{
    private const TxAllocFlags ValidAllocFlags = TxAllocFlags.Zero | TxAllocFlags.NoFlush | TxAllocFlags.NoAbort | TxAllocFlags.ArenaMask | TxAllocFlags.ClassMask;

    /// <summary>Allocates an object that exists only if the transaction commits (contents uninitialized). C: <c>pmemobj_tx_alloc</c>.</summary>
    /// <exception cref="TransactionAbortedException">No space or a bad size; the transaction was aborted.</exception>
    public PmemOid Allocate(ulong size, ulong typeNumber) => AllocCommon(size, typeNumber, TxAllocFlags.None, 0, 0, null);

    /// <summary>Allocates a zeroed object. C: <c>pmemobj_tx_zalloc</c>.</summary>
    public PmemOid ZAllocate(ulong size, ulong typeNumber) => AllocCommon(size, typeNumber, TxAllocFlags.Zero, 0, 0, null);

    /// <summary>Allocates with flags. C: <c>pmemobj_tx_xalloc</c>.</summary>
    public PmemOid XAllocate(ulong size, ulong typeNumber, TxAllocFlags flags) => AllocCommon(size, typeNumber, flags, 0, 0, null);

    /// <summary>Allocates a zeroed object sized for <typeparamref name="T"/>. C: <c>TX_ZNEW</c>.</summary>
    public unsafe PmemOid Allocate<T>(ulong typeNumber) where T : unmanaged => AllocCommon((ulong)sizeof(T), typeNumber, TxAllocFlags.Zero, 0, 0, null);

    /// <summary>Duplicates a string as NUL-terminated UTF-8. C: <c>pmemobj_tx_strdup</c>.</summary>
    public PmemOid StrDup(string value, ulong typeNumber)
    {
        ArgumentNullException.ThrowIfNull(value);
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return AllocCommon((ulong)bytes.Length, typeNumber, TxAllocFlags.None, 0, 0, bytes);
    }

    /// <summary>
    /// Resizes: a new object receives the old contents, the old one is freed at commit; a null OID allocates,
    /// size 0 frees. C: <c>pmemobj_tx_realloc</c>.
    /// </summary>
    public PmemOid Reallocate(PmemOid oid, ulong size, ulong typeNumber) => ReallocCommon(oid, size, typeNumber, TxAllocFlags.None);

    /// <summary>Like <see cref="Reallocate"/>, zeroing the grown part. C: <c>pmemobj_tx_zrealloc</c>.</summary>
    public PmemOid ZReallocate(PmemOid oid, ulong size, ulong typeNumber) => ReallocCommon(oid, size, typeNumber, TxAllocFlags.Zero);

    /// <summary>
    /// Frees an object at commit (nothing happens if the transaction aborts). An object allocated in this
    /// transaction is released at once. A null OID is ignored. C: <c>pmemobj_tx_free</c>.
    /// </summary>
    public void Free(PmemOid oid)
    {
        Check();
        if (oid.IsNull)
            return;
        if (oid.PoolUuidLo != _ctx.Alloc.UuidLo)
            throw Fail(new ArgumentException($"the OID's pool uuid 0x{oid.PoolUuidLo:x16} is not this pool's.", nameof(oid)), false);
        TxContext ctx = _ctx;
        for (int i = ctx.ActionCount - 1; i >= 0; i--)
        {
            ref HeapAction a = ref ctx.Actions[i];
            if (a.Offset != oid.Offset)
                continue;
            if (a.Kind == HeapActionKind.Alloc)
            {
                int r = ctx.Ranges.FindExact(oid.Offset);
                if (r >= 0 && ctx.Ranges[r].Size == a.UsableSize)
                    ctx.Ranges.RemoveAt(r);
                ctx.Alloc.Cancel(new Span<HeapAction>(ctx.Actions, i, 1));
                ctx.RemoveActionAt(i);
                return;
            }
            if (a.Kind == HeapActionKind.Free)
                throw Fail(new InvalidOperationException($"object 0x{oid.Offset:x} is already freed in this transaction."), false);
        }
        HeapAction free;
        try
        {
            free = ctx.Alloc.DeferFree(oid.Offset);
        }
        catch (PmemException e)
        {
            throw Fail(e, false);
        }
        ctx.AddAction(in free);
    }

    /// <summary>Adds reserved actions to the transaction: they are published by its commit or cancelled by its abort. C: <c>pmemobj_tx_publish</c>.</summary>
    public void Publish(params ReadOnlySpan<ObjAction> actions)
    {
        Check();
        foreach (ref readonly ObjAction a in actions)
        {
            if (a.Action.PoolUuidLo != _ctx.Alloc.UuidLo)
                throw Fail(new ArgumentException("an action belongs to another pool.", nameof(actions)), false);
        }
        foreach (ref readonly ObjAction a in actions)
            _ctx.AddAction(in a.Action);
    }

    private PmemOid ReallocCommon(PmemOid oid, ulong size, ulong typeNumber, TxAllocFlags flags)
    {
        Check();
        if (oid.IsNull)
            return AllocCommon(size, typeNumber, flags, 0, 0, null);
        if (size == 0)
        {
            Free(oid);
            return PmemOid.Null;
        }
        ulong oldUsable;
        try
        {
            oldUsable = _ctx.Pool!.UsableSize(oid);
        }
        catch (Exception e) when (e is PmemException or ArgumentException)
        {
            throw Fail(e, false);
        }
        PmemOid fresh = AllocCommon(size, typeNumber, flags, oid.Offset, Math.Min(oldUsable, size), null);
        Free(oid);
        return fresh;
    }

    private PmemOid AllocCommon(ulong size, ulong typeNumber, TxAllocFlags flags, ulong copyFrom, ulong copyLength, byte[]? copyBytes, int classId = 0)
    {
        Check();
        bool noAbort = (flags & TxAllocFlags.NoAbort) != 0;
        if ((flags & ~ValidAllocFlags) != 0)
            throw Fail(new ArgumentException($"unknown flags 0x{(ulong)(flags & ~ValidAllocFlags):x}.", nameof(flags)), noAbort);
        if (size == 0 || size > ObjPool.MaxAllocSize)
            throw Fail(new ArgumentOutOfRangeException(nameof(size), $"allocation size {size} is 0 or exceeds {ObjPool.MaxAllocSize}."), noAbort);
        TxContext ctx = _ctx;
        var init = new TxAllocInit((flags & TxAllocFlags.Zero) != 0, copyFrom, copyLength, copyBytes);
        HeapAction act;
        try
        {
            if (classId == 0)
                classId = (int)((ulong)flags >> 48);
            int arenaId = (int)(((ulong)flags >> 32) & 0xFFFF);
            AllocationClass? cls = classId == 0 ? null : ctx.Pool!.ClassForId(classId, size);
            Arena? arena = arenaId == 0 ? null : ctx.Alloc.ArenaForId(arenaId);
            ctx.Alloc.Reserve(size, typeNumber, 0, ref init, out act, cls, arena);
        }
        catch (Exception e) when (e is PmemException or ArgumentException)
        {
            throw Fail(e, noAbort);
        }
        ctx.AddAction(in act);
        ctx.Ranges.Insert(act.Offset, act.UsableSize, (flags & TxAllocFlags.NoFlush) != 0 ? TxAddFlags.NoFlush : TxAddFlags.None);
        return new PmemOid(ctx.Alloc.UuidLo, act.Offset);
    }
}
