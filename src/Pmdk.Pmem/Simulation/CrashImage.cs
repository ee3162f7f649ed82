// One simulated power failure: what survived on the media, and which operations had completed (PMDK: pmreorder checker input).
using Microsoft.Win32.SafeHandles;

namespace Pmdk.Pmem.Simulation;

/// <summary>
/// One crash image: the media as it would be after a power failure at fence <see cref="FenceIndex"/> (every
/// earlier fence completed, this one did not), with the subset <see cref="IncludedInFlight"/> of the lines
/// flushed since the previous fence. Write it to a file with <see cref="WriteTo(string)"/> and open it through
/// the library's recovery to check it.
/// </summary>
/// <remarks>
/// An image is a view of the enumeration: its content can be written only until the enumeration passes its
/// fence, i.e. while the images of the same crash point are enumerated (images of the end of the trace stay
/// writable); later, an <see cref="InvalidOperationException"/> says so. Its other properties stay valid.
/// </remarks>
public sealed class CrashImage
{
    private readonly CrashWalk _walk;
    private readonly int _stamp;
    private readonly int[] _subset;
    private readonly int _completedCount;
    private readonly string[] _inProgress;
    private readonly int _markerCount;

    internal CrashImage(CrashWalk walk, int stamp, int fenceIndex, bool isEndOfTrace, string engine, int imageIndex,
        int inFlightCount, int[] subset, int completedCount, string[] inProgress, int markerCount)
    {
        _walk = walk;
        _stamp = stamp;
        FenceIndex = fenceIndex;
        IsEndOfTrace = isEndOfTrace;
        Engine = engine;
        ImageIndex = imageIndex;
        InFlightCount = inFlightCount;
        _subset = subset;
        _completedCount = completedCount;
        _inProgress = inProgress;
        _markerCount = markerCount;
    }

    /// <summary>
    /// The crash point: the power failed during fence <c>k</c> (1-based), so fences <c>1..k-1</c> completed.
    /// <see cref="FenceCount"/> + 1 stands for a crash after the whole trace (see <see cref="IsEndOfTrace"/>).
    /// </summary>
    public int FenceIndex { get; }

    /// <summary>Fences in the whole trace.</summary>
    public int FenceCount => _walk.Trace.FenceCount;

    /// <summary>Whether the crash is after the last recorded event rather than at a fence.</summary>
    public bool IsEndOfTrace { get; }

    /// <summary>The engine that chose <see cref="IncludedInFlight"/>.</summary>
    public string Engine { get; }

    /// <summary>Index of this image among the images of its crash point.</summary>
    public int ImageIndex { get; }

    /// <summary>Line flushes since fence <see cref="FenceIndex"/> − 1, not yet fenced (a line flushed twice counts twice).</summary>
    public int InFlightCount { get; }

    /// <summary>Which in-flight lines (indices in flush order, ascending) reached the media in this image.</summary>
    public IReadOnlyList<int> IncludedInFlight => _subset;

    /// <summary>
    /// Operations whose end marker was recorded before the crash, in completion order: their stores should all
    /// be durable if they end with a fence.
    /// </summary>
    public IReadOnlyList<string> CompletedOperations => new ListPrefix(_walk.Completed, _completedCount);

    /// <summary>Operations begun and not ended at the crash, outermost first.</summary>
    public IReadOnlyList<string> InProgressOperations => _inProgress;

    /// <summary>The innermost operation in progress at the crash, if any.</summary>
    public string? InProgressOperation => _inProgress.Length == 0 ? null : _inProgress[^1];

    /// <summary>Every marker recorded before the crash, in order (including the <c>.BEGIN</c>/<c>.END</c> ones).</summary>
    public IReadOnlyList<string> Markers => new ArraySegment<string>(_walk.Trace.Markers, 0, _markerCount);

    /// <summary>The simulated files: full paths (or <c>anonymous#n</c>) in the order they were first mapped.</summary>
    public IReadOnlyList<string> Devices => [.. _walk.Trace.Devices.Select(d => d.Name)];

    /// <summary>Whether <paramref name="operation"/>'s end marker was recorded before the crash.</summary>
    public bool IsCompleted(string operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return _walk.IsCompleted(operation, _completedCount);
    }

    /// <summary>Writes the image of the only simulated file to <paramref name="destinationPath"/> (replacing it).</summary>
    /// <exception cref="InvalidOperationException">More than one file was simulated, or the enumeration moved on.</exception>
    public void WriteTo(string destinationPath)
    {
        if (_walk.Trace.Devices.Length != 1)
            throw new InvalidOperationException(
                $"the trace has {_walk.Trace.Devices.Length} simulated files; name the one to write.");
        WriteTo(_walk.Trace.Devices[0].Name, destinationPath);
    }

    /// <summary>Writes the image of the simulated file <paramref name="device"/> to <paramref name="destinationPath"/>.</summary>
    /// <param name="device">A name of <see cref="Devices"/> (a relative path is made full first).</param>
    /// <param name="destinationPath">The file to create or replace.</param>
    public void WriteTo(string device, string destinationPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(destinationPath);
        byte[] image = Compose(device);
        // Overwrite in place rather than truncate: a checker writes thousands of images to one path, and on tmpfs
        // truncation frees every page only for the next write to allocate and zero them again.
        // open(2) directly: .NET's File.OpenHandle takes an advisory flock, and a pool library (ours or C's, or a
        // forked child process that inherited its descriptor) may still hold one on the previous image at this path.
        int fd = Interop.Libc.open(destinationPath, Interop.Libc.O_WRONLY | Interop.Libc.O_CREAT | Interop.Libc.O_CLOEXEC, 0b110_100_100);
        if (fd < 0)
            throw PmemIOException.FromLastError(destinationPath, "open");
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        RandomAccess.Write(handle, image, 0);
        if (RandomAccess.GetLength(handle) != image.LongLength)
            RandomAccess.SetLength(handle, image.LongLength);
    }

    /// <summary>A copy of the image of <paramref name="device"/> (default: the only simulated file).</summary>
    public byte[] ToArray(string? device = null)
    {
        if (device is null)
        {
            if (_walk.Trace.Devices.Length != 1)
                throw new InvalidOperationException(
                    $"the trace has {_walk.Trace.Devices.Length} simulated files; name the one to copy.");
            device = _walk.Trace.Devices[0].Name;
        }
        return (byte[])Compose(device).Clone();
    }

    /// <inheritdoc />
    public override string ToString()
    {
        string point = IsEndOfTrace ? $"end of trace (after fence {FenceCount})" : $"fence {FenceIndex}/{FenceCount}";
        string lines = InFlightCount == 0 ? "nothing in flight"
            : $"{_subset.Length} of {InFlightCount} in-flight lines [{string.Join(',', _subset.Take(16))}{(_subset.Length > 16 ? ",…" : "")}]";
        string ops = InProgressOperation is { } op ? $", in progress: {op}" : "";
        return $"{point}, {Engine} image {ImageIndex}: {lines}; {_completedCount} operations completed{ops}";
    }

    private byte[] Compose(string device)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        if (_walk.Stamp != _stamp)
            throw new InvalidOperationException(
                "this crash image belongs to a fence the enumeration has passed; write images as they are enumerated.");
        SimulatedDevice[] devices = _walk.Trace.Devices;
        foreach (SimulatedDevice d in devices)
        {
            if (d.Name == device || (d.Path is not null && d.Path == Path.GetFullPath(device)))
                return _walk.Compose(d.Id, _subset);
        }
        throw new ArgumentException($"'{device}' is not a simulated file of this trace.", nameof(device));
    }

    /// <summary>The first <c>count</c> items of a list that only grows.</summary>
    private sealed class ListPrefix(IReadOnlyList<string> list, int count) : IReadOnlyList<string>
    {
        public int Count => count;

        public string this[int index] => (uint)index < (uint)count
            ? list[index]
            : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<string> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
                yield return list[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
