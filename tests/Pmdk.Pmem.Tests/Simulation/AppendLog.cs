// A tiny crash-consistent append log over a mapped file, the workload of the crash-harness tests (PMDK: pmemlog append in miniature).
using System.Buffers.Binary;
using Pmdk.Pmem.Simulation;

namespace Pmdk.Pmem.Tests.Simulation;

/// <summary>
/// Layout: bytes 0..8 hold the committed length of the record area; records of <see cref="RecordSize"/> bytes
/// start at <see cref="DataOffset"/>: [u32 sequence][u32 payload length][payload]. An append persists the
/// record, then persists the new committed length, so the length never covers unpersisted bytes.
/// </summary>
internal sealed class AppendLog(PmemMapping map)
{
    public const int RecordSize = 40;
    public const ulong DataOffset = 64;
    private const int PayloadSize = RecordSize - 8;

    public ulong Capacity => (map.Length - DataOffset) / RecordSize;

    public ulong Count => map.Ref<ulong>(0) / RecordSize;

    /// <summary>Appends record <c>Count</c>. <paramref name="skipRecordFlush"/> plants the bug: no flush before the commit.</summary>
    public void Append(bool skipRecordFlush = false)
    {
        ulong seq = Count;
        ulong offset = DataOffset + seq * RecordSize;
        Span<byte> record = stackalloc byte[RecordSize];
        Fill(record, (uint)seq);
        if (skipRecordFlush)
            record.CopyTo(map.GetSpan(offset, RecordSize));                     // stores stay in the CPU cache
        else if (seq % 2 == 0)
            map.Write(offset, record);                                          // persistent copy
        else
        {
            record.CopyTo(map.GetSpan(offset, RecordSize));
            map.Persist(offset, RecordSize);
        }

        map.Ref<ulong>(0) = (seq + 1) * RecordSize;                            // commit
        map.Persist(0, sizeof(ulong));
    }

    public static void Fill(Span<byte> record, uint seq)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record, seq);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], PayloadSize);
        for (int i = 0; i < PayloadSize; i++)
            record[8 + i] = (byte)(seq * 7 + i + 1);
    }

    /// <summary>The workload: <paramref name="appends"/> appends, each inside operation <c>append#i</c>.</summary>
    public static void Workload(string path, PowerFailSimulator sim, int appends, int plantBugAt = -1)
    {
        using PmemMapping map = Pmem.MapFile(path, 0, PmemMapFileOptions.None,
            new PmemMapSettings { PersistenceProvider = sim, IsPmemForce = true });
        var log = new AppendLog(map);
        for (int i = 0; i < appends; i++)
        {
            using (sim.Operation($"append#{i}"))
                log.Append(skipRecordFlush: i == plantBugAt);
        }
    }

    /// <summary>
    /// The checker: reopens the image ("recovery" is reading the committed length) and asserts that it covers
    /// only whole, intact records, at least every completed append and at most one more.
    /// </summary>
    public static void Check(CrashImage image, string imagePath)
    {
        using PmemMapping map = Pmem.MapFile(imagePath, 0, PmemMapFileOptions.None, new PmemMapSettings { IsPmemForce = true });
        ulong committed = map.Ref<ulong>(0);
        var log = new AppendLog(map);
        if (committed % RecordSize != 0 || committed / RecordSize > log.Capacity)
            throw new InvalidDataException($"committed length {committed} is not a whole number of records within capacity.");

        ulong count = log.Count;
        Span<byte> expected = stackalloc byte[RecordSize];
        for (ulong seq = 0; seq < count; seq++)
        {
            Fill(expected, (uint)seq);
            if (!map.GetSpan(DataOffset + seq * RecordSize, RecordSize).SequenceEqual(expected))
                throw new InvalidDataException($"record {seq} is committed (length {committed}) but its bytes are not intact.");
        }

        int completed = image.CompletedOperations.Count;
        if ((ulong)completed > count)
            throw new InvalidDataException($"{completed} appends completed but only {count} records are committed.");
        if (count > (ulong)completed + (image.InProgressOperation is null ? 0UL : 1UL))
            throw new InvalidDataException($"{count} records committed but only {completed} appends completed.");
    }
}
