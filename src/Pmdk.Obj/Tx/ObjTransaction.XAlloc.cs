// Transactional allocation from a registered allocation class (PMDK: libpmemobj/tx.c pmemobj_tx_xalloc with POBJ_CLASS_ID).
using Pmdk.Obj.Actions;
using Pmdk.Obj.Alloc;

namespace Pmdk.Obj.Tx;

public sealed partial class ObjTransaction
{
    /// <summary>
    /// Allocates with flags from allocation class <paramref name="classId"/> (registered through ctl
    /// <c>heap.alloc_class.*.desc</c>; 0 = best fit). C: <c>pmemobj_tx_xalloc</c> with <c>POBJ_CLASS_ID(classId)</c>.
    /// </summary>
    /// <exception cref="TransactionAbortedException">No such class, the class cannot hold the size, or no space; the transaction was aborted (unless <see cref="TxAllocFlags.NoAbort"/>).</exception>
    public PmemOid XAllocateFromClass(ulong size, ulong typeNumber, TxAllocFlags flags, int classId)
    {
        if (classId == 0)
            return XAllocate(size, typeNumber, flags);
        Check();
        bool noAbort = (flags & TxAllocFlags.NoAbort) != 0;
        if ((flags & ~ValidAllocFlags) != 0)
            throw Fail(new ArgumentException($"unknown flags 0x{(ulong)(flags & ~ValidAllocFlags):x}.", nameof(flags)), noAbort);
        if (size == 0 || size > ObjPool.MaxAllocSize)
            throw Fail(new ArgumentOutOfRangeException(nameof(size), $"allocation size {size} is 0 or exceeds {ObjPool.MaxAllocSize}."), noAbort);
        TxContext ctx = _ctx;
        var init = new TxAllocInit((flags & TxAllocFlags.Zero) != 0, 0, 0, null);
        HeapAction act;
        try
        {
            AllocationClass cls = ctx.Pool!.ClassForId(classId, size);
            ctx.Alloc.Reserve(size, typeNumber, 0, ref init, out act, cls);
        }
        catch (PmemException e)
        {
            throw Fail(e, noAbort);
        }
        ctx.AddAction(in act);
        ctx.Ranges.Insert(act.Offset, act.UsableSize, (flags & TxAllocFlags.NoFlush) != 0 ? TxAddFlags.NoFlush : TxAddFlags.None);
        return new PmemOid(ctx.Alloc.UuidLo, act.Offset);
    }
}
