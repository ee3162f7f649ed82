// Which subsets of the in-flight lines a crash image keeps (PMDK: tools/pmreorder/reorderengines.py).
namespace Pmdk.Pmem.Simulation;

/// <summary>
/// Chooses which of the lines in flight at a crash (flushed since the previous fence, not yet fenced) reach
/// the media in each crash image, after pmreorder's engines.
/// </summary>
/// <remarks>
/// A subset is applied in program order, so two flushes of one line keep their order, as the memory
/// controller does. Distinct lines commute, so pmreorder's permutations reduce to subsets here.
/// </remarks>
public abstract class ReorderEngine
{
    private protected ReorderEngine()
    {
    }

    /// <summary>
    /// Only the two ends: none of the in-flight lines, then all of them in order (the fence is atomic).
    /// With every fence checked this covers every fenced state. pmreorder: <c>NoReorderDoCheck</c>.
    /// </summary>
    public static ReorderEngine NoReorder { get; } = new PrefixEngine("NoReorder", reverse: false, endsOnly: true);

    /// <summary>Growing prefixes in program order: (), (a), (a, b), (a, b, c). pmreorder: <c>ReorderAccumulative</c>.</summary>
    public static ReorderEngine Accumulative { get; } = new PrefixEngine("Accumulative", reverse: false, endsOnly: false);

    /// <summary>Growing suffixes from the last line: (), (c), (b, c), (a, b, c). pmreorder: <c>ReorderReverseAccumulative</c>.</summary>
    public static ReorderEngine ReverseAccumulative { get; } = new PrefixEngine("ReverseAccumulative", reverse: true, endsOnly: false);

    /// <summary>
    /// Every subset while there are at most 1,024 (10 lines in flight); beyond, the empty set, the full set and
    /// random subsets up to 1,024 in all. pmreorder: <c>ReorderFull</c>.
    /// </summary>
    public static ReorderEngine Full { get; } = new FullEngine(1024, 0);

    /// <summary><see cref="Full"/> with another bound on the number of subsets per crash point.</summary>
    /// <param name="maxSubsets">Enumerate exhaustively while 2^n does not exceed this; sample this many otherwise.</param>
    /// <param name="seed">Seed of the sampling.</param>
    public static ReorderEngine FullUpTo(int maxSubsets, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSubsets, 2);
        return new FullEngine(maxSubsets, seed);
    }

    /// <summary>
    /// <paramref name="count"/> distinct random subsets per crash point (every subset when there are fewer),
    /// reproducible from <paramref name="seed"/>. pmreorder: <c>ReorderPartial</c>.
    /// </summary>
    public static ReorderEngine PartialRandom(int count, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return new RandomEngine(count, seed);
    }

    /// <summary>The engine's name, used in reports.</summary>
    public abstract string Name { get; }

    /// <summary>The subsets of <paramref name="count"/> in-flight lines (ascending indices), at most <paramref name="limit"/>.</summary>
    internal abstract IEnumerable<int[]> Subsets(int count, int crashPoint, int limit);

    /// <inheritdoc />
    public override string ToString() => Name;

    private protected static Random RandomFor(int seed, int crashPoint) => new(unchecked((seed * 1_000_003) ^ crashPoint));

    private protected static IEnumerable<int[]> AllSubsets(int count)
    {
        for (long mask = 0; mask < 1L << count; mask++)
            yield return FromMask(mask, count);
    }

    private protected static int[] FromMask(long mask, int count)
    {
        var indices = new int[long.PopCount(mask)];
        int j = 0;
        for (int i = 0; i < count; i++)
        {
            if ((mask & (1L << i)) != 0)
                indices[j++] = i;
        }
        return indices;
    }

    private protected static int[] Range(int start, int length)
    {
        var indices = new int[length];
        for (int i = 0; i < length; i++)
            indices[i] = start + i;
        return indices;
    }

    /// <summary>Distinct random subsets: the empty and full set first when <paramref name="withEnds"/>.</summary>
    private protected static IEnumerable<int[]> RandomSubsets(int count, int wanted, Random random, bool withEnds)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (withEnds)
        {
            seen.Add(Key(new bool[count]));
            yield return [];
            bool[] all = new bool[count];
            Array.Fill(all, true);
            seen.Add(Key(all));
            yield return Range(0, count);
            wanted -= 2;
        }

        var pick = new bool[count];
        int attempts = 0;
        while (wanted > 0 && attempts < wanted * 20 + 100)
        {
            attempts++;
            for (int i = 0; i < count; i++)
                pick[i] = random.Next(2) == 1;
            if (!seen.Add(Key(pick)))
                continue;
            wanted--;
            var indices = new List<int>(count);
            for (int i = 0; i < count; i++)
            {
                if (pick[i])
                    indices.Add(i);
            }
            yield return [.. indices];
        }
    }

    private static string Key(bool[] pick) => string.Create(pick.Length, pick, static (span, p) =>
    {
        for (int i = 0; i < p.Length; i++)
            span[i] = p[i] ? '1' : '0';
    });

    private sealed class PrefixEngine(string name, bool reverse, bool endsOnly) : ReorderEngine
    {
        public override string Name => name;

        internal override IEnumerable<int[]> Subsets(int count, int crashPoint, int limit)
        {
            if (endsOnly)
            {
                yield return [];
                if (count > 0)
                    yield return Range(0, count);
                yield break;
            }

            // Lengths 0..count, evenly thinned to `limit` when there are more (both ends always kept).
            int images = Math.Min(count + 1, Math.Max(limit, 2));
            int previous = -1;
            for (int j = 0; j < images; j++)
            {
                int length = images == count + 1 ? j : (int)Math.Round((double)j * count / (images - 1));
                if (length == previous)
                    continue;
                previous = length;
                yield return reverse ? Range(count - length, length) : Range(0, length);
            }
        }
    }

    private sealed class FullEngine(int maxSubsets, int seed) : ReorderEngine
    {
        public override string Name => maxSubsets == 1024 && seed == 0 ? "Full" : $"Full(max {maxSubsets}, seed {seed})";

        internal override IEnumerable<int[]> Subsets(int count, int crashPoint, int limit)
        {
            int bound = Math.Min(maxSubsets, Math.Max(limit, 2));
            return count < 31 && 1L << count <= bound
                ? AllSubsets(count)
                : RandomSubsets(count, bound, RandomFor(seed, crashPoint), withEnds: true);
        }
    }

    private sealed class RandomEngine(int wanted, int seed) : ReorderEngine
    {
        public override string Name => $"PartialRandom({wanted}, seed {seed})";

        internal override IEnumerable<int[]> Subsets(int count, int crashPoint, int limit)
        {
            int bound = Math.Min(wanted, Math.Max(limit, 1));
            return count < 31 && 1L << count <= bound
                ? AllSubsets(count)
                : RandomSubsets(count, bound, RandomFor(seed, crashPoint), withEnds: false);
        }
    }
}
