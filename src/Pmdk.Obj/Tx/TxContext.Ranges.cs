// Adding a range to the transaction: trim against covered ranges, merge neighbours, snapshot the rest (PMDK: libpmemobj/tx.c pmemobj_tx_add_common, pmemobj_tx_add_snapshot).
using Pmdk.Obj.Actions;

namespace Pmdk.Obj.Tx;

internal sealed partial class TxContext
{
    /// <summary>
    /// Covers <c>[offset, offset+size)</c>: the parts not yet covered are snapshotted (unless
    /// <see cref="TxAddFlags.NoSnapshot"/>), adjacent and overlapping ranges are merged, so no byte is ever
    /// logged twice in one transaction. The search goes backwards from the end of the new range, O(log n) per step.
    /// </summary>
    public void AddRange(ulong offset, ulong size, TxAddFlags flags)
    {
        ulong rOff = offset, rSize = size;
        bool orEqual = true;
        int nprev = -1;
        while (rSize != 0)
        {
            int n = Ranges.FindBelow(rOff + rSize, orEqual);
            orEqual = false;
            ulong rend = rOff + rSize;
            ulong fend = n < 0 ? 0 : Ranges[n].End;
            if (n < 0 || fend < rOff)
            {
                // Nothing overlapping or adjacent on the left: cover the remainder, extending a right neighbour.
                if (nprev >= 0)
                {
                    ref TxRange right = ref Ranges[nprev];
                    right.Offset -= rSize;
                    right.Size += rSize;
                }
                else
                {
                    Ranges.Insert(rOff, rSize, flags);
                }
                Snapshot(rOff, rSize, flags);
                break;
            }
            ref TxRange f = ref Ranges[n];
            if (fend <= rend)
            {
                // The found range ends inside the new one: snapshot the uncovered tail and grow f over it.
                ulong tail = rend - fend;
                ulong intersection = fend - Math.Max(f.Offset, rOff);
                rSize -= intersection + tail;
                f.Size += tail;
                MergeFlags(ref f, flags);
                if (tail != 0)
                    Snapshot(fend, tail, flags);
                if (nprev >= 0)
                {
                    ref TxRange right = ref Ranges[nprev];
                    f.Size += right.Size;
                    MergeFlags(ref f, right.Flags);
                    if (Ranges.RemoveAt(nprev) == n)
                        n = nprev; // the last node moved into the freed slot
                }
            }
            else
            {
                // The found range reaches past the new one's end: that part is covered; keep searching left.
                rSize -= rend - Math.Max(f.Offset, rOff);
                MergeFlags(ref f, flags);
            }
            nprev = n;
        }
    }

    /// <summary>NO_FLUSH survives a merge only when both ranges have it.</summary>
    private static void MergeFlags(ref TxRange dest, TxAddFlags merged)
    {
        if ((dest.Flags & TxAddFlags.NoFlush) != 0 && (merged & TxAddFlags.NoFlush) == 0)
            dest.Flags &= ~TxAddFlags.NoFlush;
    }

    private void Snapshot(ulong offset, ulong size, TxAddFlags flags)
    {
        if ((flags & TxAddFlags.NoSnapshot) != 0)
            return;
        if (FirstSnapshot)
        {
            // The commit's redo log bumps the undo generation, which invalidates every snapshot at once.
            AddAction(new HeapAction { Kind = HeapActionKind.Set, Offset = Undo.GenerationField, Value = Undo.Generation + 1 });
            FirstSnapshot = false;
        }
        Undo.Append(offset, size);
    }
}
