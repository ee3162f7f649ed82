// Persistence that does the real work and records flushes and fences for the crash simulator (PMDK: pmemcheck store log).
using Pmdk.Pmem.Persistence;

namespace Pmdk.Pmem.Simulation;

/// <summary>
/// The persistence a <see cref="PowerFailSimulator"/> gives a mapping. Every call performs the real operation
/// through the mapping's native persistence, so the workload runs normally, and records what a power failure
/// could keep: a flush snapshots the content of each 64-byte line it covers as <em>in flight</em>, and a drain
/// (the fence) makes every in-flight line durable in the simulated media.
/// </summary>
/// <remarks>
/// Copies, moves and fills record a flush of the destination (a non-temporal copy is flushed by construction)
/// and, unless <see cref="PmemFlags.NoDrain"/>, a fence. With <see cref="PmemFlags.NoFlush"/> they record
/// nothing: the stores stay in the CPU cache and are lost at a crash unless a later flush covers them.
/// </remarks>
public sealed class SimulatedPersistence : IPersistence
{
    private readonly SimulationTrace _trace;
    private readonly PmemMapping _mapping;
    private readonly IPersistence _native;
    private readonly SimulatedDevice _device;

    internal SimulatedPersistence(PowerFailSimulator simulator, SimulationTrace trace, PmemMapping mapping,
        IPersistence native, SimulatedDevice device)
    {
        Simulator = simulator;
        _trace = trace;
        _mapping = mapping;
        _native = native;
        _device = device;
    }

    /// <summary>The simulator recording this mapping.</summary>
    public PowerFailSimulator Simulator { get; }

    /// <summary>The simulated file: its full path, or <c>anonymous#n</c> for an anonymous mapping.</summary>
    public string DeviceName => _device.Name;

    /// <summary>Always <see cref="PmemGranularity.CacheLine"/>: the simulation models flushes of 64-byte lines.</summary>
    public PmemGranularity Granularity => PmemGranularity.CacheLine;

    /// <inheritdoc />
    public void Flush(ulong offset, ulong length)
    {
        _native.Flush(offset, length);
        _trace.RecordFlush(_device, _mapping, offset, length);
    }

    /// <inheritdoc />
    public void Drain()
    {
        _native.Drain();
        _trace.RecordFence();
    }

    /// <inheritdoc />
    public void Persist(ulong offset, ulong length)
    {
        Flush(offset, length);
        Drain();
    }

    /// <inheritdoc />
    public void Copy(ulong destination, ReadOnlySpan<byte> source, PmemFlags flags = PmemFlags.None)
    {
        _native.Copy(destination, source, flags);
        RecordStore(destination, (ulong)source.Length, flags);
    }

    /// <inheritdoc />
    public void Move(ulong destination, ulong source, ulong length, PmemFlags flags = PmemFlags.None)
    {
        _native.Move(destination, source, length, flags);
        RecordStore(destination, length, flags);
    }

    /// <inheritdoc />
    public void Fill(ulong destination, byte value, ulong length, PmemFlags flags = PmemFlags.None)
    {
        _native.Fill(destination, value, length, flags);
        RecordStore(destination, length, flags);
    }

    private void RecordStore(ulong destination, ulong length, PmemFlags flags)
    {
        if ((flags & PmemFlags.NoFlush) != 0)
            return;
        _trace.RecordFlush(_device, _mapping, destination, length);
        if ((flags & PmemFlags.NoDrain) == 0)
            _trace.RecordFence();
    }
}
