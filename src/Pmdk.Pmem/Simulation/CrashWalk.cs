// Walks a trace fence by fence, keeping the media image current and producing crash images (PMDK: tools/pmreorder/opscontext.py).
namespace Pmdk.Pmem.Simulation;

/// <summary>
/// One enumeration of crash images. The media images start as each device's content when first mapped and
/// take the in-flight lines at every fence, so a crash image costs one copy of the media plus its lines.
/// </summary>
internal sealed class CrashWalk
{
    private readonly TraceSnapshot _trace;
    private readonly byte[][] _media;
    private readonly byte[]?[] _scratch;
    private readonly List<int> _pending = [];
    private readonly List<string> _inProgress = [];
    private readonly List<string> _completed = [];
    private readonly Dictionary<string, int> _completedAt = new(StringComparer.Ordinal);
    private int _markerCount;

    private CrashWalk(TraceSnapshot trace)
    {
        _trace = trace;
        _media = [.. trace.Devices.Select(d => (byte[])d.Initial.Clone())];
        _scratch = new byte[]?[trace.Devices.Length];
    }

    /// <summary>Advances when the walk passes a fence; an image of an older stamp may no longer be written.</summary>
    internal int Stamp { get; private set; }

    internal TraceSnapshot Trace => _trace;

    internal IReadOnlyList<int> Pending => _pending;

    internal IReadOnlyList<string> Completed => _completed;

    public static IEnumerable<CrashImage> Run(TraceSnapshot trace, CrashPlan plan)
    {
        plan.Validate();
        return new CrashWalk(trace).Walk(plan);
    }

    private IEnumerable<CrashImage> Walk(CrashPlan plan)
    {
        bool[] selected = plan.SelectCrashPoints(_trace.FenceCount);
        int fence = 0;
        for (int i = 0; i < _trace.EventCount; i++)
        {
            TraceEvent e = _trace.Events[i];
            switch (e.Kind)
            {
                case TraceEventKind.Flush:
                    _pending.Add(i);
                    break;
                case TraceEventKind.Marker:
                    OnMarker(_trace.Markers[e.Slot]);
                    break;
                case TraceEventKind.Fence:
                    fence++;
                    if (selected[fence])
                    {
                        foreach (CrashImage image in ImagesAt(fence, plan))
                            yield return image;
                    }
                    Stamp++; // the media and the in-flight list change: images of this crash point expire
                    foreach (int pending in _pending)
                        ApplyLine(_media[_trace.Events[pending].Device], pending);
                    _pending.Clear();
                    break;
            }
        }

        if (selected[_trace.FenceCount + 1])
        {
            foreach (CrashImage image in ImagesAt(_trace.FenceCount + 1, plan))
                yield return image;
        }
    }

    private IEnumerable<CrashImage> ImagesAt(int crashPoint, CrashPlan plan)
    {
        string[] inProgress = [.. _inProgress];
        ReorderEngine engine = plan.EngineFor(inProgress);
        int index = 0;
        foreach (int[] subset in engine.Subsets(_pending.Count, crashPoint, plan.MaxImagesPerCrashPoint))
        {
            if (index == plan.MaxImagesPerCrashPoint)
                yield break;
            yield return new CrashImage(this, Stamp, crashPoint, crashPoint > _trace.FenceCount, engine.Name, index++,
                _pending.Count, subset, _completed.Count, inProgress, _markerCount);
        }
    }

    private void OnMarker(string name)
    {
        _markerCount++;
        if (name.EndsWith(PowerFailSimulator.BeginSuffix, StringComparison.Ordinal))
        {
            _inProgress.Add(name[..^PowerFailSimulator.BeginSuffix.Length]);
        }
        else if (name.EndsWith(PowerFailSimulator.EndSuffix, StringComparison.Ordinal))
        {
            string operation = name[..^PowerFailSimulator.EndSuffix.Length];
            int open = _inProgress.LastIndexOf(operation);
            if (open >= 0)
                _inProgress.RemoveAt(open);
            if (_completedAt.TryAdd(operation, _completed.Count))
                _completed.Add(operation);
        }
    }

    internal bool IsCompleted(string operation, int completedCount) =>
        _completedAt.TryGetValue(operation, out int at) && at < completedCount;

    /// <summary>The media image of a device with the chosen in-flight lines applied (a reused buffer).</summary>
    internal byte[] Compose(int device, int[] subset)
    {
        bool any = false;
        foreach (int i in subset)
            any |= _trace.Events[_pending[i]].Device == device;
        if (!any)
            return _media[device];

        byte[] scratch = _scratch[device] ??= new byte[_media[device].Length];
        _media[device].AsSpan().CopyTo(scratch);
        foreach (int i in subset)
        {
            int eventIndex = _pending[i];
            if (_trace.Events[eventIndex].Device == device)
                ApplyLine(scratch, eventIndex);
        }
        return scratch;
    }

    private void ApplyLine(byte[] image, int eventIndex)
    {
        TraceEvent e = _trace.Events[eventIndex];
        long offset = e.Line * SimulationTrace.LineSize;
        int size = (int)Math.Min(SimulationTrace.LineSize, image.LongLength - offset);
        _trace.Lines.AsSpan(e.Slot * SimulationTrace.LineSize, size).CopyTo(image.AsSpan((int)offset, size));
    }
}
