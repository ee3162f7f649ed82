// Which crash points to visit and which engine reorders their in-flight lines (PMDK: tools/pmreorder/pmreorder.py options).
namespace Pmdk.Pmem.Simulation;

/// <summary>
/// What <see cref="PowerFailSimulator.CrashImages"/> enumerates: the crash points (one per fence, plus the end
/// of the trace), thinned by <see cref="FenceStride"/> or <see cref="FenceSampleCount"/>, and for each the
/// subsets of in-flight lines chosen by <see cref="Engine"/>.
/// </summary>
public sealed record CrashPlan
{
    /// <summary>The engine for every crash point (default <see cref="ReorderEngine.Accumulative"/>).</summary>
    public ReorderEngine Engine { get; init; } = ReorderEngine.Accumulative;

    /// <summary>
    /// Engines for crash points inside named operations, like pmreorder's <c>-x MARKER=Engine</c>: the innermost
    /// operation in progress whose name, or its part before <c>'#'</c> (<c>append</c> for <c>append#3</c>), is
    /// a key chooses the engine; <see cref="Engine"/> applies elsewhere.
    /// </summary>
    public IReadOnlyDictionary<string, ReorderEngine>? EngineByOperation { get; init; }

    /// <summary>Visit every n-th fence only (fences 1, 1+n, 1+2n, …). Default 1: every fence.</summary>
    public int FenceStride { get; init; } = 1;

    /// <summary>When set, visit this many fences chosen at random (reproducibly from <see cref="Seed"/>) instead.</summary>
    public int? FenceSampleCount { get; init; }

    /// <summary>Seed of <see cref="FenceSampleCount"/>.</summary>
    public int Seed { get; init; }

    /// <summary>Also crash after the last fence, with whatever was flushed since still in flight (default true).</summary>
    public bool IncludeEndOfTrace { get; init; } = true;

    /// <summary>Upper bound on the images of one crash point, whatever the engine (default 1,024).</summary>
    public int MaxImagesPerCrashPoint { get; init; } = 1024;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Engine);
        ArgumentOutOfRangeException.ThrowIfLessThan(FenceStride, 1, nameof(FenceStride));
        if (FenceSampleCount is { } n)
            ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(FenceSampleCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxImagesPerCrashPoint, 1, nameof(MaxImagesPerCrashPoint));
    }

    /// <summary>Crash points to visit, indexed 1..fenceCount+1 (the last is the end of the trace).</summary>
    internal bool[] SelectCrashPoints(int fenceCount)
    {
        var selected = new bool[fenceCount + 2];
        if (FenceSampleCount is { } wanted)
        {
            int[] fences = Enumerable.Range(1, fenceCount).ToArray();
            new Random(Seed).Shuffle(fences);
            foreach (int fence in fences.Take(wanted))
                selected[fence] = true;
        }
        else
        {
            for (int fence = 1; fence <= fenceCount; fence += FenceStride)
                selected[fence] = true;
        }
        selected[fenceCount + 1] = IncludeEndOfTrace;
        return selected;
    }

    internal ReorderEngine EngineFor(IReadOnlyList<string> inProgress)
    {
        if (EngineByOperation is not { Count: > 0 } map)
            return Engine;
        for (int i = inProgress.Count - 1; i >= 0; i--)
        {
            string name = inProgress[i];
            if (map.TryGetValue(name, out ReorderEngine? exact))
                return exact;
            int hash = name.IndexOf('#', StringComparison.Ordinal);
            if (hash > 0 && map.TryGetValue(name[..hash], out ReorderEngine? family))
                return family;
        }
        return Engine;
    }
}
