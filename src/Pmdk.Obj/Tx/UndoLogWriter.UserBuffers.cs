// The undo side of user log buffers and of tx_log_auto_alloc (PMDK: libpmemobj/tx.c tx_construct_user_buffer, memops.c operation_set_auto_reserve).

namespace Pmdk.Obj.Tx;

internal sealed partial class UndoLogWriter
{
    /// <summary>Whether the writer may allocate undo extensions itself (reset to true by every outermost begin).</summary>
    public bool AutoExtend { get; set; } = true;

    /// <summary>Whether user buffers are linked into the chain in this transaction.</summary>
    public bool HasUserBuffers { get; private set; }

    private void ResetUserBuffers()
    {
        AutoExtend = true;
        HasUserBuffers = false;
    }

    /// <summary>
    /// Links a user buffer at the end of the undo chain. The first one of an outermost transaction first frees the
    /// extensions kept from earlier transactions (when no snapshot went past the lane's own log yet), so that the
    /// user's buffers come right after it, as PMDK does.
    /// </summary>
    public void AppendUserBuffer(ulong header, ulong capacity, bool outermost)
    {
        if (!HasUserBuffers && outermost && (_cur == 0 || _cur == _head) && _pool.Word(_head + 8) != 0)
            _extender.FreeChain(_head + 8);
        UserLogBuffers.Link(_pool, _head, header, capacity, _gen);
        HasUserBuffers = true;
    }

    /// <summary>Unlinks this transaction's user buffers (after the snapshots were applied or invalidated).</summary>
    private void UnlinkUserBuffers()
    {
        if (!HasUserBuffers)
            return;
        UserLogBuffers.Unlink(_pool, _head);
        HasUserBuffers = false;
    }

    private PoolFullException LogFull() =>
        new($"the transaction's snapshot log is full ({Logged} bytes logged) and its automatic extension is off (pmemobj_tx_log_auto_alloc)", _pool.Path);
}
