// map_1g: create and map a 1 GiB file on tmpfs, then reopen and unmap it (perf-notes §3.1 "map").
using System.Diagnostics;
using System.Globalization;
using Pmdk.Pmem;
using Pmdk.PmemBench.Native;

namespace Pmdk.PmemBench.Workloads;

/// <summary>
/// Each iteration: unlink; timed map of a new 1 GiB file (CREATE|EXCL, so posix_fallocate of 1 GiB on tmpfs);
/// unmap; timed open-map of the existing file (length 0); timed unmap. The figure is create-maps per second;
/// open and unmap rates are printed as a comment.
/// </summary>
internal sealed unsafe class MapWorkload : Workload
{
    private const ulong MapLength = 1UL << 30;
    private readonly long _baseIterations;

    public MapWorkload(long baseIterations) => _baseIterations = baseIterations;

    public override string Name => "map_1g";

    public override Measurement Run(Side side, RunContext context)
    {
        ulong length = context.Small ? 8UL << 20 : MapLength;
        long iterations = context.Ops(_baseIterations, minimum: 3);
        string path = context.Files.FreshShm(Name);
        long create = 0, open = 0, unmap = 0;
        try
        {
            for (long i = 0; i < iterations; i++)
            {
                File.Delete(path);
                if (side == Side.Ours)
                    IterateOurs(path, length, ref create, ref open, ref unmap);
                else
                    IterateC(path, length, ref create, ref open, ref unmap);
            }
        }
        finally
        {
            File.Delete(path);
        }
        double f = Stopwatch.Frequency;
        string note = string.Create(CultureInfo.InvariantCulture,
            $"open={iterations * f / open:0.0}/s unmap={iterations * f / unmap:0.0}/s");
        return new Measurement(iterations * f / create, null, null, note);
    }

    private static void IterateOurs(string path, ulong length, ref long create, ref long open, ref long unmap)
    {
        var settings = new PmemMapSettings { IsPmemForce = true };
        long t0 = Stopwatch.GetTimestamp();
        PmemMapping created = Pmem.Pmem.MapFile(path, length, PmemMapFileOptions.Create | PmemMapFileOptions.Exclusive, settings);
        create += Stopwatch.GetTimestamp() - t0;
        created.Dispose();

        t0 = Stopwatch.GetTimestamp();
        PmemMapping opened = Pmem.Pmem.MapFile(path, 0, PmemMapFileOptions.None, settings);
        long t1 = Stopwatch.GetTimestamp();
        open += t1 - t0;
        if (opened.Length != length)
            throw new InvalidOperationException($"{path}: reopened length {opened.Length}, expected {length}.");
        t1 = Stopwatch.GetTimestamp();
        opened.Dispose();
        unmap += Stopwatch.GetTimestamp() - t1;
    }

    private static void IterateC(string path, ulong length, ref long create, ref long open, ref long unmap)
    {
        long t0 = Stopwatch.GetTimestamp();
        byte* created = LibPmem.MapFile(path, length, LibPmem.PMEM_FILE_CREATE | LibPmem.PMEM_FILE_EXCL, out ulong mapped, out _);
        create += Stopwatch.GetTimestamp() - t0;
        LibPmem.Unmap(created, mapped);

        t0 = Stopwatch.GetTimestamp();
        byte* opened = LibPmem.MapFile(path, 0, 0, out mapped, out _);
        long t1 = Stopwatch.GetTimestamp();
        open += t1 - t0;
        if (mapped != length)
            throw new InvalidOperationException($"{path}: reopened length {mapped}, expected {length}.");
        t1 = Stopwatch.GetTimestamp();
        LibPmem.Unmap(opened, mapped);
        unmap += Stopwatch.GetTimestamp() - t1;
    }
}
