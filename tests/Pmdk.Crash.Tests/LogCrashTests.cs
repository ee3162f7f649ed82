// Simulated power failure at every fence of pmemlog appends: the recovered log is a prefix of whole appends.
using System.Text;
using Pmdk.Log;
using Pmdk.Pmem.Simulation;
using Pmdk.Pool;
using Pmdk.Testing;
using Pmdk.Testing.Crash;
using Xunit.Abstractions;

namespace Pmdk.Crash.Tests;

public sealed class LogCrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempPoolDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Append i: a single record, or (every third) an appendv of three pieces; sizes cross cache lines.</summary>
    private static byte[][] Pieces(int i)
    {
        int size = 1 + (i * 37 % 300);
        byte[] Piece(int k, int n) => Encoding.ASCII.GetBytes($"<{i}.{k}:" + new string((char)('a' + (i + k) % 26), n) + ">");
        return i % 3 == 2 ? [Piece(0, size / 3), Piece(1, size / 2), Piece(2, 5)] : [Piece(0, size)];
    }

    private static byte[] Expected(int appends) =>
        [.. Enumerable.Range(0, appends).SelectMany(i => Pieces(i).SelectMany(p => p))];

    [Fact]
    public void Every_crash_image_holds_a_prefix_of_whole_appends()
    {
        const int appends = 60;
        string path = _dir.File("log");
        using (PmemLog.Create(path, LogLayout.MinPoolSize, new PoolOptions { IsPmemForce = true }))
        {
        }

        CrashReport report = CrashHarness.Run(path, sim =>
        {
            using var log = PmemLog.Open(path, new PoolOptions { IsPmemForce = true, PersistenceProvider = sim });
            for (int i = 0; i < appends; i++)
            {
                byte[][] pieces = Pieces(i);
                using (sim.Operation($"append#{i}"))
                {
                    if (pieces.Length == 1)
                        log.Append(pieces[0]);
                    else
                        log.AppendV(pieces.Select(p => (ReadOnlyMemory<byte>)p).ToList());
                }
            }
        }, Check, new CrashOptions
        {
            Engines = [ReorderEngine.NoReorder, ReorderEngine.Accumulative, ReorderEngine.ReverseAccumulative,
                ReorderEngine.PartialRandom(4, seed: 7), ReorderEngine.Full],
        });
        output.WriteLine(report.ToString());
        Assert.Equal(0, report.FailureCount);
        Assert.True(report.ImagesChecked >= 500, report.ToString());
    }

    private static void Check(CrashImage image, string imagePath)
    {
        using var log = PmemLog.Open(imagePath, new PoolOptions { IsPmemForce = true });
        var content = new List<byte>();
        log.Walk(0, chunk =>
        {
            content.AddRange(chunk.ToArray());
            return true;
        });
        int completed = image.CompletedOperations.Count;
        byte[] atLeast = Expected(completed);
        byte[] atMost = Expected(completed + (image.InProgressOperation is null ? 0 : 1));
        bool ok = content.SequenceEqual(atLeast) || content.SequenceEqual(atMost);
        if (!ok)
            throw new InvalidDataException(
                $"log holds {content.Count} bytes; expected {atLeast.Length} (all {completed} completed appends) or {atMost.Length}");
        if ((ulong)content.Count != (ulong)log.WriteOffset)
            throw new InvalidDataException($"tell {log.WriteOffset} disagrees with the walked length {content.Count}");
    }
}
