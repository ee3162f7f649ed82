// What reaches the simulated media: unflushed, flushed-unfenced, fenced stores and persistent copies (PMDK: pmreorder tests).
using Pmdk.Pmem.Simulation;
using Pmdk.Testing;

namespace Pmdk.Pmem.Tests.Simulation;

public sealed class SimulatedPersistenceTests : IDisposable
{
    private const ulong Size = 4096;
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static PmemMapping Map(string path, PowerFailSimulator sim, ulong size = Size) =>
        Pmem.MapFile(path, File.Exists(path) ? 0 : size, File.Exists(path) ? PmemMapFileOptions.None : PmemMapFileOptions.Create,
            new PmemMapSettings { PersistenceProvider = sim, IsPmemForce = true });

    private static List<(CrashImage Info, byte[] Bytes)> Images(PowerFailSimulator sim, CrashPlan plan) =>
        [.. sim.CrashImages(plan).Select(i => (i, i.ToArray()))];

    [Fact]
    public void Persistence_OfASimulatedMapping_IsTheSimulatorsAtCacheLineGranularity()
    {
        var sim = new PowerFailSimulator();
        using PmemMapping map = Map(_dir.File("p"), sim);
        var persistence = Assert.IsType<SimulatedPersistence>(map.Persistence);
        Assert.Same(sim, persistence.Simulator);
        Assert.Equal(PmemGranularity.CacheLine, persistence.Granularity);
        Assert.Equal(Path.GetFullPath(_dir.File("p")), Assert.Single(sim.Devices));
    }

    [Fact]
    public void UnflushedStore_IsAbsentFromEveryImage()
    {
        var sim = new PowerFailSimulator();
        using (PmemMapping map = Map(_dir.File("p"), sim))
        {
            map.GetSpan(128, 1)[0] = 0xAA;   // never flushed
            map.GetSpan(1024, 1)[0] = 0xBB;
            map.Persist(1024, 1);
        }

        var images = Images(sim, new CrashPlan { Engine = ReorderEngine.Full });
        Assert.Equal(3, images.Count); // fence 1: without and with the one in-flight line; end of trace
        Assert.All(images, i => Assert.Equal(0, i.Bytes[128]));
        Assert.Contains(images, i => i.Bytes[1024] == 0xBB);
        Assert.Contains(images, i => i.Bytes[1024] == 0);
        // The live file itself has both stores: the program ran normally.
        byte[] live = File.ReadAllBytes(_dir.File("p"));
        Assert.Equal(0xAA, live[128]);
    }

    [Fact]
    public void FlushedUnfencedLines_ArePresentOnlyInSubsetsThatIncludeThem()
    {
        var sim = new PowerFailSimulator();
        using (PmemMapping map = Map(_dir.File("p"), sim))
        {
            map.GetSpan(2 * 64, 1)[0] = 1;
            map.GetSpan(5 * 64 + 63, 1)[0] = 2;
            map.Flush(2 * 64, 1);
            map.Flush(5 * 64 + 63, 1);
        }

        Assert.Equal(0, sim.FenceCount);
        Assert.Equal(2, sim.FlushedLineCount);
        var images = Images(sim, new CrashPlan { Engine = ReorderEngine.Full });
        Assert.Equal(4, images.Count);
        Assert.All(images, i =>
        {
            Assert.True(i.Info.IsEndOfTrace);
            Assert.Equal(2, i.Info.InFlightCount);
            Assert.Equal(i.Info.IncludedInFlight.Contains(0) ? 1 : 0, i.Bytes[2 * 64]);
            Assert.Equal(i.Info.IncludedInFlight.Contains(1) ? 2 : 0, i.Bytes[5 * 64 + 63]);
        });
    }

    [Fact]
    public void FencedStore_IsInEveryImageAfterItsFence()
    {
        var sim = new PowerFailSimulator();
        using (PmemMapping map = Map(_dir.File("p"), sim))
        {
            map.GetSpan(0, 1)[0] = 7;
            map.Persist(0, 1);                  // fence 1
            map.GetSpan(640, 1)[0] = 8;
            map.Persist(640, 1);                // fence 2
        }

        var images = Images(sim, new CrashPlan { Engine = ReorderEngine.Full });
        Assert.All(images.Where(i => i.Info.FenceIndex >= 2), i => Assert.Equal(7, i.Bytes[0]));
        Assert.All(images.Where(i => i.Info.IsEndOfTrace), i => Assert.Equal(8, i.Bytes[640]));
        Assert.Contains(images, i => i.Info.FenceIndex == 1 && i.Bytes[0] == 0);
        Assert.Contains(images, i => i.Info.FenceIndex == 2 && i.Bytes[640] == 0);
    }

    [Fact]
    public void PersistentCopy_CountsAsFlushedAndFenced_NoDrainStaysInFlight_NoFlushIsLost()
    {
        var sim = new PowerFailSimulator();
        byte[] data = [.. Enumerable.Range(1, 100).Select(i => (byte)i)];
        using (PmemMapping map = Map(_dir.File("p"), sim))
        {
            map.Write(256, data, PmemFlags.NonTemporal);            // fence 1
            map.Write(1024, data, PmemFlags.NoDrain);               // in flight
            map.Write(2048, data, PmemFlags.NoFlush);               // stays in the CPU cache
            map.Fill(3072, 0x5A, 10, PmemFlags.NoFlush | PmemFlags.NoDrain);
        }

        Assert.Equal(1, sim.FenceCount);
        var images = Images(sim, new CrashPlan { Engine = ReorderEngine.Full });
        var end = images.Where(i => i.Info.IsEndOfTrace).ToList();
        Assert.Equal(4, end.Count);                                // 2 lines of the NoDrain copy in flight
        Assert.All(end, i => Assert.Equal(data, i.Bytes[256..356]));
        Assert.All(end, i => Assert.Equal(new byte[100], i.Bytes[2048..2148]));
        Assert.All(end, i => Assert.Equal(0, i.Bytes[3072]));
        Assert.Contains(end, i => i.Bytes.AsSpan(1024, 100).SequenceEqual(data));
        Assert.Contains(end, i => i.Bytes[1024] == 0);
    }

    [Fact]
    public void MoveAndFill_RecordTheirDestination()
    {
        var sim = new PowerFailSimulator();
        using (PmemMapping map = Map(_dir.File("p"), sim))
        {
            map.Fill(0, 0x11, 64);
            map.Move(512, 0, 64);
        }

        Assert.Equal(2, sim.FenceCount);
        byte[] last = Images(sim, new CrashPlan { Engine = ReorderEngine.NoReorder }).Last().Bytes;
        Assert.All(last[512..576], b => Assert.Equal(0x11, b));
    }

    [Fact]
    public void ReopenedFile_SharesItsMediaImage_AndUnflushedStoresStayVolatile()
    {
        var sim = new PowerFailSimulator();
        using (PmemMapping map = Map(_dir.File("p"), sim))
            map.GetSpan(64, 1)[0] = 9;          // unflushed when the pool is closed
        using (PmemMapping map = Map(_dir.File("p"), sim))
        {
            Assert.Equal(9, map.GetSpan(64, 1)[0]);
            map.GetSpan(128, 1)[0] = 3;
            map.Persist(128, 1);
        }

        Assert.Single(sim.Devices);
        var images = Images(sim, new CrashPlan { Engine = ReorderEngine.Full });
        Assert.All(images, i => Assert.Equal(0, i.Bytes[64]));
        Assert.Equal(3, images.Last().Bytes[128]);
    }

    [Fact]
    public void Image_CannotBeWrittenOnceTheEnumerationPassedItsFence()
    {
        var sim = new PowerFailSimulator();
        using (PmemMapping map = Map(_dir.File("p"), sim))
            map.Persist(0, 8);
        List<CrashImage> all = [.. sim.CrashImages()];
        Assert.Equal(3, all.Count);                     // fence 1 (without and with the line), end of trace
        Assert.Throws<InvalidOperationException>(() => all[0].WriteTo(_dir.File("img")));
        Assert.Equal(1, all[0].FenceIndex);
        all[^1].WriteTo(_dir.File("img"));              // nothing follows the end of the trace
        Assert.True(all[^1].IsEndOfTrace);
    }

    [Fact]
    public void WriteTo_ProducesTheImageFile()
    {
        var sim = new PowerFailSimulator();
        using (PmemMapping map = Map(_dir.File("p"), sim))
        {
            map.GetSpan(100, 1)[0] = 42;
            map.Persist(100, 1);
        }

        foreach (CrashImage image in sim.CrashImages(new CrashPlan { Engine = ReorderEngine.NoReorder }))
        {
            string path = _dir.File($"img-{image.FenceIndex}-{image.ImageIndex}");
            image.WriteTo(path);
            byte[] bytes = File.ReadAllBytes(path);
            Assert.Equal((int)Size, bytes.Length);
            Assert.Equal(image.ToArray(), bytes);
        }
    }

    [Fact]
    public void PartialMappingOfAFile_IsRejected()
    {
        string path = _dir.File("p");
        File.WriteAllBytes(path, new byte[8192]);
        using var source = PmemSource.FromPath(path);
        var sim = new PowerFailSimulator();
        Assert.Throws<NotSupportedException>(() =>
            PmemMapping.Create(source, new PmemConfig { Length = 4096, PersistenceProvider = sim }));
    }

    [Fact]
    public void AnonymousMapping_IsSimulatedAsItsOwnDevice()
    {
        var sim = new PowerFailSimulator();
        using var source = PmemSource.Anonymous(4096);
        using (PmemMapping map = PmemMapping.Create(source, new PmemConfig { PersistenceProvider = sim }))
        {
            map.GetSpan(0, 1)[0] = 1;
            map.Persist(0, 1);
        }

        Assert.Equal("anonymous#0", Assert.Single(sim.Devices));
        Assert.Equal(1, sim.CrashImages(new CrashPlan { Engine = ReorderEngine.NoReorder }).Select(i => i.ToArray()).Last()[0]);
    }
}
