// Commit of a transaction whose only actions are 8-byte SETs (the undo generation bump, published user sets) without the allocator (PMDK: libpmemobj/tx.c pmemobj_tx_commit, memops.c operation_process).
using Pmdk.Obj.Actions;
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Tx;

internal sealed partial class TxContext
{
    /// <summary>
    /// When every queued action is a SET and they fit the lane's external redo log, processes them on the lane's
    /// operation directly and clears the queue: the same redo entries <c>PAllocator.Publish</c> would write (a
    /// single SET is one atomic 8-byte store, more go through the checksummed redo log), minus the allocator lock
    /// and its drain for block headers, which a SET-only commit has none of. Otherwise leaves the queue for
    /// <c>Publish</c>. For a snapshot-only transaction this is the whole commit record: one store of the undo
    /// <c>gen_num</c>, flushed and drained.
    /// </summary>
    private void PublishSetsOnly()
    {
        int n = ActionCount;
        if (n == 0 || n * UlogValueEntry.Size > LaneLayout.ExternalCapacity)
            return;
        HeapAction[] actions = Actions;
        for (int i = 0; i < n; i++)
        {
            if (actions[i].Kind != HeapActionKind.Set)
                return;
        }
        Operation op = Alloc.Lanes.External(Lane);
        op.Start();
        for (int i = 0; i < n; i++)
            op.Add(actions[i].Offset, actions[i].Value, UlogOperation.Set);
        op.Process();
        ActionCount = 0;
    }
}
