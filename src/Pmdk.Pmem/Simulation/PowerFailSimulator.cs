// Simulated power failures at every fence of a workload, after pmemcheck + pmreorder (PMDK: tools/pmreorder/pmreorder.py).
using Pmdk.Pmem.Persistence;

namespace Pmdk.Pmem.Simulation;

/// <summary>
/// A persistence provider that records what a power failure could keep. Give it to a mapping
/// (<see cref="PmemMapSettings.PersistenceProvider"/>, <see cref="PmemConfig.PersistenceProvider"/>), run the
/// workload, then enumerate <see cref="CrashImages"/>: one or more media images per fence, each written to a
/// file and reopened through the library's recovery by a checker.
/// </summary>
/// <remarks>
/// <para>The model: a store is volatile until a flush covers its 64-byte line; the flush captures the line's
/// content as <em>in flight</em>; the next fence makes it durable. A crash at fence k keeps everything fenced
/// before k plus a subset of the lines in flight, chosen by a <see cref="ReorderEngine"/>. Eviction of dirty,
/// unflushed lines is not modelled: such stores are always lost.</para>
/// <para>Markers name operations, like pmreorder's <c>NAME.BEGIN</c>/<c>NAME.END</c>, so a checker knows what
/// had completed at the crash (<see cref="CrashImage.CompletedOperations"/>).</para>
/// <para>A file mapped more than once (a pool closed and reopened) keeps one media image, and its unflushed
/// stores stay volatile across the reopen, as the CPU cache would keep them. Every real operation still runs,
/// so the workload sees normal memory. Without a provider, mappings use native persistence and pay nothing.</para>
/// </remarks>
public sealed class PowerFailSimulator : IPersistenceProvider
{
    /// <summary>Suffix of the marker that opens an operation.</summary>
    public const string BeginSuffix = ".BEGIN";

    /// <summary>Suffix of the marker that closes an operation.</summary>
    public const string EndSuffix = ".END";

    private readonly SimulationTrace _trace = new();

    /// <summary>Fences recorded so far.</summary>
    public int FenceCount => _trace.FenceCount;

    /// <summary>Cache-line flushes recorded so far.</summary>
    public long FlushedLineCount => _trace.FlushedLineCount;

    /// <summary>Markers recorded so far, in order.</summary>
    public IReadOnlyList<string> Markers => _trace.Markers;

    /// <summary>The simulated files (full paths, or <c>anonymous#n</c>) in the order they were first mapped.</summary>
    public IReadOnlyList<string> Devices => _trace.DeviceNames;

    /// <summary>Returns the recording persistence of a new mapping (called by the mapping).</summary>
    /// <exception cref="NotSupportedException">The file was simulated before with another size.</exception>
    public IPersistence Create(PmemMapping mapping, IPersistence native)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(native);
        return new SimulatedPersistence(this, _trace, mapping, native, _trace.Attach(mapping));
    }

    /// <summary>Records a named marker. Names ending in <see cref="BeginSuffix"/>/<see cref="EndSuffix"/> delimit operations.</summary>
    /// <remarks>C: <c>VALGRIND_PMC_EMIT_LOG</c></remarks>
    public void Mark(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _trace.RecordMarker(name);
    }

    /// <summary>Records <c>name.BEGIN</c>.</summary>
    public void BeginOperation(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _trace.RecordMarker(name + BeginSuffix);
    }

    /// <summary>Records <c>name.END</c>: from here on, crash images count the operation as completed.</summary>
    public void EndOperation(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _trace.RecordMarker(name + EndSuffix);
    }

    /// <summary>
    /// Begins an operation and returns a scope whose disposal ends it:
    /// <c>using (sim.Operation("append#3")) { … }</c>. The end marker is recorded even when an exception escapes.
    /// </summary>
    public OperationScope Operation(string name)
    {
        BeginOperation(name);
        return new OperationScope(this, name);
    }

    /// <summary>
    /// Enumerates the crash images of the trace recorded so far, fence by fence. Write (or copy) each image while
    /// it is current: once the enumeration passes the image's fence its content can no longer be produced.
    /// </summary>
    /// <param name="plan">Crash points and engine (default: every fence, <see cref="ReorderEngine.Accumulative"/>).</param>
    public IEnumerable<CrashImage> CrashImages(CrashPlan? plan = null) =>
        CrashWalk.Run(_trace.Snapshot(), plan ?? new CrashPlan());
}

/// <summary>Ends a simulated operation on dispose (see <see cref="PowerFailSimulator.Operation"/>).</summary>
public readonly struct OperationScope : IDisposable, IEquatable<OperationScope>
{
    private readonly PowerFailSimulator? _simulator;

    internal OperationScope(PowerFailSimulator simulator, string name)
    {
        _simulator = simulator;
        Name = name;
    }

    /// <summary>The operation's name.</summary>
    public string? Name { get; }

    /// <summary>Records the operation's end marker.</summary>
    public void Dispose()
    {
        if (_simulator is not null && Name is not null)
            _simulator.EndOperation(Name);
    }

    /// <inheritdoc />
    public bool Equals(OperationScope other) => ReferenceEquals(_simulator, other._simulator) && Name == other.Name;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OperationScope other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_simulator, Name);

    /// <summary>Equality of scopes.</summary>
    public static bool operator ==(OperationScope left, OperationScope right) => left.Equals(right);

    /// <summary>Inequality of scopes.</summary>
    public static bool operator !=(OperationScope left, OperationScope right) => !left.Equals(right);
}
