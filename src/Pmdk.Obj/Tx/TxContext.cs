// The calling thread's transaction: lane, covered ranges, deferred actions, stage; begin, commit and abort (PMDK: libpmemobj/tx.c struct tx, pmemobj_tx_begin/commit/abort/end).
using Pmdk.Obj.Actions;
using Pmdk.Obj.Alloc;
using Pmdk.Obj.Lanes;
using Pmdk.Obj.Ulog;

namespace Pmdk.Obj.Tx;

/// <summary>
/// Per-thread transaction state, reused from one transaction to the next so that a transaction allocates
/// nothing once the thread is warm. Nested transactions share it (flattened, as in PMDK).
/// </summary>
internal sealed partial class TxContext
{
    [ThreadStatic]
    private static TxContext? t_current;

    public static TxContext Current => t_current ??= new TxContext();

    public static TxContext? CurrentOrNull => t_current;

    public readonly TxRanges Ranges = new();
    public readonly UndoLogWriter Undo = new();
    public HeapAction[] Actions = new HeapAction[8];
    public int ActionCount;

    public ObjPool? Pool;
    public PAllocator Alloc = null!;
    public ObjMemory Memory = null!;
    public int Lane = -1;
    public TxStage Stage;
    public int Depth;
    public int Version;
    public bool FirstSnapshot;
    public List<Action>? OnCommit;
    public List<Action>? OnAbort;
    public List<Action>? OnFinally;
    public Exception? AbortCause;

    /// <summary>Starts the outermost transaction on <paramref name="pool"/>: takes a lane. C: <c>pmemobj_tx_begin</c>.</summary>
    public void BeginOutermost(ObjPool pool, PAllocator alloc, ObjMemory memory)
    {
        Pool = pool;
        Alloc = alloc;
        Memory = memory;
        Lane = alloc.Lanes.Acquire();
        Undo.Begin(memory, alloc.Lanes.LaneOffset(Lane) + LaneLayout.UndoOffset, alloc.ExtenderFor(Lane));
        FirstSnapshot = true;
        ActionCount = 0;
        Ranges.Clear();
        AbortCause = null;
        Depth = 1;
        Version++;
        Stage = TxStage.Work;
    }

    /// <summary>
    /// The outermost commit (spec §7.2): flush covered ranges, drain, publish every action — the undo
    /// generation bump, allocations, frees, user sets — in one redo log (the commit point), then drop the
    /// undo extensions beyond the first. C: <c>pmemobj_tx_commit</c>.
    /// </summary>
    public void CommitOutermost()
    {
        try
        {
            if (Ranges.Count != 0)
            {
                for (int i = 0; i < Ranges.Count; i++)
                {
                    ref TxRange r = ref Ranges[i];
                    if ((r.Flags & TxAddFlags.NoFlush) == 0)
                        Memory.Flush(r.Offset, r.Size);
                }
                Memory.Drain();
            }
            PublishSetsOnly();
            if (ActionCount != 0)
            {
                Operation op = Alloc.Lanes.External(Lane);
                op.Start();
                Alloc.Publish(op, new ReadOnlySpan<HeapAction>(Actions, 0, ActionCount), CommitExtender());
            }
            Undo.AfterCommit();
        }
        finally
        {
            UnlinkRedoUserBuffers();
            ActionCount = 0;
            Ranges.Clear();
            ReleaseLane();
        }
        Stage = TxStage.OnCommit;
        Run(OnCommit);
    }

    /// <summary>
    /// The abort (spec §7.3): restore the snapshots, bump the generation, drop extensions, cancel reservations.
    /// C: <c>pmemobj_tx_abort</c>.
    /// </summary>
    public void AbortOutermost(Exception? cause)
    {
        try
        {
            Undo.Abort();
            Alloc.Cancel(new Span<HeapAction>(Actions, 0, ActionCount));
        }
        finally
        {
            ActionCount = 0;
            Ranges.Clear();
            ReleaseLane();
            AbortCause = cause;
            Stage = TxStage.OnAbort;
        }
        Run(OnAbort);
    }

    /// <summary>The end of the outermost transaction: finally callbacks, then stage None. C: <c>pmemobj_tx_end</c>.</summary>
    public void End()
    {
        try
        {
            Stage = TxStage.Finally;
            Run(OnFinally);
        }
        finally
        {
            ReleaseLocks();
            ResetUserBuffers();
            OnCommit?.Clear();
            OnAbort?.Clear();
            OnFinally?.Clear();
            Pool = null;
            Depth = 0;
            Version++;
            Stage = TxStage.None;
        }
    }

    private void ReleaseLane()
    {
        if (Lane >= 0)
        {
            Alloc.Lanes.Release(Lane);
            Lane = -1;
        }
    }

    private static void Run(List<Action>? callbacks)
    {
        if (callbacks is null)
            return;
        for (int i = 0; i < callbacks.Count; i++)
            callbacks[i]();
    }

    public void AddAction(in HeapAction a)
    {
        if (ActionCount == Actions.Length)
            Array.Resize(ref Actions, Actions.Length * 2);
        Actions[ActionCount++] = a;
    }

    public void RemoveActionAt(int i)
    {
        ActionCount--;
        if (i < ActionCount)
            Array.Copy(Actions, i + 1, Actions, i, ActionCount - i);
    }
}
