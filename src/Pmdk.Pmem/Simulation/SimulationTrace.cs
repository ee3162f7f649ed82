// The recorded run of a simulated workload: line flushes, fences and markers in program order (PMDK: tools/pmreorder/memoryoperations.py).
namespace Pmdk.Pmem.Simulation;

/// <summary>What one trace entry records.</summary>
internal enum TraceEventKind : byte
{
    /// <summary>A cache line was flushed; its content at that moment is in the line store.</summary>
    Flush,
    /// <summary>A fence (drain): every line flushed before it is durable.</summary>
    Fence,
    /// <summary>A named marker.</summary>
    Marker,
}

/// <summary>One trace entry. <see cref="Slot"/> indexes the line store (flush) or the marker list (marker).</summary>
internal readonly record struct TraceEvent(TraceEventKind Kind, int Device, long Line, int Slot);

/// <summary>A file (or anonymous range) the simulator saw mapped, with its content when it was first mapped.</summary>
internal sealed class SimulatedDevice(int id, string name, string? path, byte[] initial)
{
    public int Id { get; } = id;

    /// <summary>The full path, or <c>anonymous#n</c>.</summary>
    public string Name { get; } = name;

    public string? Path { get; } = path;

    /// <summary>The media content when the file was first mapped (treated as durable).</summary>
    public byte[] Initial { get; } = initial;

    public long Length => Initial.LongLength;
}

/// <summary>An immutable view of a trace prefix, taken when crash images are enumerated.</summary>
internal sealed record TraceSnapshot(
    TraceEvent[] Events, int EventCount, byte[] Lines, string[] Markers, SimulatedDevice[] Devices, int FenceCount);

/// <summary>
/// Append-only trace of one simulator. Line contents live in one growing byte array (64 bytes a slot) so a
/// flush costs a copy, not an allocation. Every append takes one lock: enough for single- or multi-threaded
/// workloads, although the simulated fence then makes every thread's flushes durable at once.
/// </summary>
internal sealed class SimulationTrace
{
    public const int LineSize = 64;
    private const int MaxLineSlots = int.MaxValue / LineSize;

    private readonly Lock _gate = new();
    private readonly List<string> _markers = [];
    private readonly List<SimulatedDevice> _devices = [];
    private TraceEvent[] _events = new TraceEvent[1024];
    private int _eventCount;
    private byte[] _lines = new byte[LineSize * 1024];
    private int _lineCount;
    private int _fenceCount;

    public int FenceCount
    {
        get
        {
            lock (_gate)
                return _fenceCount;
        }
    }

    public long FlushedLineCount
    {
        get
        {
            lock (_gate)
                return _lineCount;
        }
    }

    public string[] Markers
    {
        get
        {
            lock (_gate)
                return [.. _markers];
        }
    }

    public string[] DeviceNames
    {
        get
        {
            lock (_gate)
                return [.. _devices.Select(d => d.Name)];
        }
    }

    /// <summary>
    /// The device of a new mapping: the same device again for a file mapped before (its media image, and the
    /// lines still volatile in the CPU cache, carry over), a new one with the current content otherwise.
    /// </summary>
    public SimulatedDevice Attach(PmemMapping mapping)
    {
        string? path = mapping.Path is null ? null : System.IO.Path.GetFullPath(mapping.Path);
        if (path is not null && new FileInfo(path) is { Exists: true, Length: > 0 } file && (ulong)file.Length != mapping.Length)
            throw new NotSupportedException(
                $"the power-failure simulator needs '{path}' mapped whole: the mapping has {mapping.Length} bytes, " +
                $"the file {file.Length}.");
        lock (_gate)
        {
            if (path is not null)
            {
                foreach (SimulatedDevice known in _devices)
                {
                    if (known.Path != path)
                        continue;
                    if ((ulong)known.Length != mapping.Length)
                        throw new NotSupportedException(
                            $"the power-failure simulator saw '{path}' mapped with {known.Length} bytes before and now " +
                            $"with {mapping.Length}; a simulated file must keep its size and be mapped whole.");
                    return known;
                }
            }

            if (mapping.Length > (ulong)Array.MaxLength)
                throw new NotSupportedException(
                    $"the power-failure simulator keeps media images in memory; {mapping.Length} bytes is too large.");
            byte[] initial = new byte[mapping.Length];
            for (ulong off = 0; off < mapping.Length; off += 1 << 30)
            {
                int chunk = (int)Math.Min(1UL << 30, mapping.Length - off);
                mapping.GetSpan(off, chunk).CopyTo(initial.AsSpan((int)off, chunk));
            }
            var device = new SimulatedDevice(_devices.Count, path ?? $"anonymous#{_devices.Count}", path, initial);
            _devices.Add(device);
            return device;
        }
    }

    /// <summary>Snapshots every line overlapping [offset, offset+length) of the live mapping as in flight.</summary>
    public void RecordFlush(SimulatedDevice device, PmemMapping mapping, ulong offset, ulong length)
    {
        if (length == 0)
            return;
        long first = (long)(offset / LineSize);
        long last = (long)((offset + length - 1) / LineSize);
        lock (_gate)
        {
            for (long line = first; line <= last; line++)
            {
                ulong lineOffset = (ulong)line * LineSize;
                int size = (int)Math.Min(LineSize, mapping.Length - lineOffset);
                int slot = AllocateSlot();
                Span<byte> target = _lines.AsSpan(slot * LineSize, LineSize);
                mapping.GetSpan(lineOffset, size).CopyTo(target);
                target[size..].Clear();
                Append(new TraceEvent(TraceEventKind.Flush, device.Id, line, slot));
            }
        }
    }

    public void RecordFence()
    {
        lock (_gate)
        {
            _fenceCount++;
            Append(new TraceEvent(TraceEventKind.Fence, -1, 0, 0));
        }
    }

    public void RecordMarker(string name)
    {
        lock (_gate)
        {
            _markers.Add(name);
            Append(new TraceEvent(TraceEventKind.Marker, -1, 0, _markers.Count - 1));
        }
    }

    public TraceSnapshot Snapshot()
    {
        lock (_gate)
        {
            var events = new TraceEvent[_eventCount];
            Array.Copy(_events, events, _eventCount);
            return new TraceSnapshot(events, _eventCount, _lines, [.. _markers], [.. _devices], _fenceCount);
        }
    }

    private int AllocateSlot()
    {
        if (_lineCount == MaxLineSlots)
            throw new InvalidOperationException(
                $"the power-failure simulator's trace is full ({MaxLineSlots} flushed lines); simulate a shorter workload.");
        if ((_lineCount + 1) * LineSize > _lines.Length)
        {
            long grown = Math.Min((long)_lines.Length * 2, (long)MaxLineSlots * LineSize);
            Array.Resize(ref _lines, (int)grown);
        }
        return _lineCount++;
    }

    private void Append(TraceEvent e)
    {
        if (_eventCount == _events.Length)
            Array.Resize(ref _events, _events.Length * 2);
        _events[_eventCount++] = e;
    }
}
