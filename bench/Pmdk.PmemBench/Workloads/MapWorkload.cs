// map_1g: create and map a 1 GiB file on tmpfs, then reopen and unmap it (perf-notes §3.1 "map").
using System.Diagnostics;
using System.Globalization;
using Pmdk.Pmem;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// Each iteration (one op): unlink; timed map of a new 1 GiB file (CREATE|EXCL, so posix_fallocate of 1 GiB on
/// tmpfs); unmap; timed open-map of the existing file (length 0); timed unmap. The figure is create-maps per
/// second; the median open and unmap times are printed as a comment (medians, because one context switch on this
/// busy machine costs more than an open).
/// </summary>
internal sealed class MapWorkload : Workload
{
    private const ulong MapLength = 1UL << 30;
    private readonly long _baseIterations;

    public MapWorkload(long baseIterations) => _baseIterations = baseIterations;

    public override string Name => "map_1g";

    public override long Ops(RunContext context) => context.Ops(_baseIterations, minimum: 6);

    public override int Chunks(long ops) => (int)ops;

    public override ISideRun Prepare(Side side, RunContext context) =>
        new MapRun(side, context.Files.FreshShm($"{Name}.{side}"), context.Small ? 8UL << 20 : MapLength);

    private sealed unsafe class MapRun(Side side, string path, ulong length) : ISideRun
    {
        private readonly List<double> _open = [];
        private readonly List<double> _unmap = [];

        public string? Note => string.Create(CultureInfo.InvariantCulture,
            $"open p50={Figures.Median(_open):0.0}us unmap p50={Figures.Median(_unmap):0.0}us");

        private static double Microseconds(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

        public long RunChunk(int step, long first, long count)
        {
            long create = 0;
            for (long i = 0; i < count; i++)
            {
                File.Delete(path);
                create += side == Side.Ours ? IterateOurs() : IterateC();
            }
            return create;
        }

        public LatencySummary? MeasureLatency(long count) => null;

        private long IterateOurs()
        {
            var settings = new PmemMapSettings { IsPmemForce = true };
            long t0 = Stopwatch.GetTimestamp();
            PmemMapping created = Pmem.Pmem.MapFile(path, length, PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive, settings);
            long create = Stopwatch.GetTimestamp() - t0;
            created.Dispose();

            t0 = Stopwatch.GetTimestamp();
            PmemMapping opened = Pmem.Pmem.MapFile(path, 0, PmemMapFileOptions.None, settings);
            _open.Add(Microseconds(Stopwatch.GetTimestamp() - t0));
            if (opened.Length != length)
                throw new InvalidOperationException($"{path}: reopened length {opened.Length}, expected {length}.");
            t0 = Stopwatch.GetTimestamp();
            opened.Dispose();
            _unmap.Add(Microseconds(Stopwatch.GetTimestamp() - t0));
            return create;
        }

        private long IterateC()
        {
            long t0 = Stopwatch.GetTimestamp();
            byte* created = LibPmem.MapFile(path, length, LibPmem.PMEM_FILE_CREATE | LibPmem.PMEM_FILE_EXCL, out ulong mapped, out _);
            long create = Stopwatch.GetTimestamp() - t0;
            LibPmem.Unmap(created, mapped);

            t0 = Stopwatch.GetTimestamp();
            byte* opened = LibPmem.MapFile(path, 0, 0, out mapped, out _);
            _open.Add(Microseconds(Stopwatch.GetTimestamp() - t0));
            if (mapped != length)
                throw new InvalidOperationException($"{path}: reopened length {mapped}, expected {length}.");
            t0 = Stopwatch.GetTimestamp();
            LibPmem.Unmap(opened, mapped);
            _unmap.Add(Microseconds(Stopwatch.GetTimestamp() - t0));
            return create;
        }

        public void Dispose() => File.Delete(path);
    }
}
