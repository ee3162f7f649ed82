// A DRAM model of two atomic lists and a random operation driver shared by the C# and C sides of the tests.
namespace Pmdk.Obj.Tests.Lists;

/// <summary>The operations a random step can do, with their arguments resolved against the model.</summary>
internal abstract class ListDriver
{
    public const ulong HeadA = 0, HeadB = 80, Entry = 8, ElementSize = 64, ElementType = 7;

    /// <summary>Expected contents of both lists (element offsets, first to last).</summary>
    public readonly List<ulong>[] Model = [[], []];

    public abstract ulong InsertNew(int list, ulong dest, bool before);

    public abstract ulong AllocateLoose();

    public abstract void Insert(int list, ulong dest, bool before, ulong obj);

    public abstract void Remove(int list, ulong obj, bool free);

    public abstract void Move(int from, int to, ulong dest, bool before, ulong obj);

    public void RandomSteps(Random rng, int steps)
    {
        for (int s = 0; s < steps; s++)
        {
            int list = rng.Next(2);
            List<ulong> m = Model[list];
            int op = rng.Next(10);
            (ulong dest, bool before, int pos) = PickDestination(rng, m);
            if (op < 3 || m.Count == 0)
            {
                ulong obj = op == 0 ? AllocateLoose() : 0;
                if (obj != 0)
                    Insert(list, dest, before, obj);
                else
                    obj = InsertNew(list, dest, before);
                m.Insert(pos, obj);
            }
            else if (op < 5)
            {
                ulong obj = m[rng.Next(m.Count)];
                Remove(list, obj, free: rng.Next(2) == 0);
                m.Remove(obj);
            }
            else
            {
                ulong obj = m[rng.Next(m.Count)];
                int to = rng.Next(2);
                List<ulong> t = Model[to];
                (ulong d, bool b, _) = PickDestination(rng, t);
                Move(list, to, d, b, obj);
                // model of the move: remove, then insert relative to the destination (or head/tail)
                if (d == obj)
                    continue;
                m.Remove(obj);
                int p = d == 0 ? (b ? 0 : t.Count) : t.IndexOf(d) + (b ? 0 : 1);
                t.Insert(p, obj);
            }
        }
    }

    private static (ulong Dest, bool Before, int Pos) PickDestination(Random rng, List<ulong> m)
    {
        bool before = rng.Next(2) == 0;
        if (m.Count == 0 || rng.Next(3) == 0)
            return (0, before, before ? 0 : m.Count);
        int i = rng.Next(m.Count);
        return (m[i], before, before ? i : i + 1);
    }
}
