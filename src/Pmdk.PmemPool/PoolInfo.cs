// pmempool info: the pool header and the log descriptor as text (PMDK: tools/pmempool/info.c, info_log.c).
using System.Globalization;
using System.Text;
using Pmdk.Log;
using Pmdk.Pool;

namespace Pmdk.PmemPool;

/// <summary>Formats what <c>pmempool info</c> prints for a pool file or set, with the same labels as PMDK 1.12.1.</summary>
public static class PoolInfo
{
    /// <summary>
    /// Describes the pool at <paramref name="path"/>. Throws <see cref="PmemException"/> for an unknown pool type
    /// (all-zero header) or a wrong header checksum, as <c>pmempool info</c> exits 1 there.
    /// </summary>
    /// <remarks>C: <c>pmempool info</c>.</remarks>
    public static string Describe(string path)
    {
        using PoolFiles files = PoolFiles.Open(path, write: false);
        PoolHeader h = files.ReadHeader(0);
        PoolKind? kind = h.Kind;
        if (PoolHeader.IsZero(PoolHeader.AsBytes(in h)) || kind is null)
            throw new PmemException(PmemErrorCode.PoolIncompatible, $"unknown pool type -- '{h.SignatureText}'", path);
        if (!h.ChecksumValid)
            throw new PoolCorruptedException("invalid checksum", path);

        var sb = new StringBuilder();
        if (files.Set.IsSetFile)
        {
            sb.Append("Poolset structure:\n");
            Line(sb, "Number of replicas", files.Set.Replicas.Count.ToString(CultureInfo.InvariantCulture));
            sb.Append(CultureInfo.InvariantCulture, $"Replica 0 (master) - local, {files.Count} part(s):\n");
            for (int p = 0; p < files.Count; p++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"part {p}:\n");
                PartLines(sb, files.PartPath(p), files.PartSize(p));
            }
        }
        else
        {
            sb.Append("Part file:\n");
            PartLines(sb, path, files.PartSize(0));
        }
        sb.Append('\n');
        HeaderLines(sb, h);
        if (kind == PoolKind.Log)
            LogLines(sb, files);
        return sb.ToString();
    }

    private static void PartLines(StringBuilder sb, string path, long size)
    {
        Line(sb, "path", path);
        Line(sb, "type", "regular file");
        Line(sb, "size", size.ToString(CultureInfo.InvariantCulture));
    }

    private static void HeaderLines(StringBuilder sb, PoolHeader h)
    {
        sb.Append("POOL Header:\n");
        Line(sb, "Signature", h.SignatureText);
        Line(sb, "Major", h.Major.ToString(CultureInfo.InvariantCulture));
        Line(sb, "Mandatory features", PoolFeatures.Describe((uint)h.Incompat, incompat: true));
        Line(sb, "Not mandatory features", $"0x{(uint)h.Compat:x}");
        Line(sb, "Forced RO", $"0x{h.RoCompat:x}");
        Line(sb, "Pool set UUID", h.PoolsetUuid.ToString());
        Line(sb, "UUID", h.Uuid.ToString());
        Line(sb, "Previous part UUID", h.PrevPartUuid.ToString());
        Line(sb, "Next part UUID", h.NextPartUuid.ToString());
        Line(sb, "Previous replica UUID", h.PrevReplicaUuid.ToString());
        Line(sb, "Next replica UUID", h.NextReplicaUuid.ToString());
        Line(sb, "Creation Time", h.CreationTimeValue.ToLocalTime().ToString("ddd MMM dd yyyy HH:mm:ss", CultureInfo.InvariantCulture));
        bool alignOk = h.Arch.AlignmentDescriptor == ArchFlags.Current.AlignmentDescriptor;
        Line(sb, "Alignment Descriptor", $"0x{h.Arch.AlignmentDescriptor:x16}[{(alignOk ? "OK" : "wrong")}]");
        Line(sb, "Class", h.Arch.MachineClass switch { 1 => "32", 2 => "64", _ => "unknown" });
        Line(sb, "Data", h.Arch.Data switch { 1 => "2's complement, little endian", 2 => "2's complement, big endian", _ => "unknown" });
        Line(sb, "Machine", h.Arch.MachineName);
        Line(sb, "Last shutdown", h.Sds.Dirty != 0 ? "dirty" : "clean");
        ulong computed = h.ComputeChecksum();
        Line(sb, "Checksum", computed == h.Checksum ? $"0x{h.Checksum:x16} [OK]" : $"0x{h.Checksum:x16} [wrong! should be: 0x{computed:x16}]");
    }

    private static void LogLines(StringBuilder sb, PoolFiles files)
    {
        ulong start = files.ReadU64((long)LogLayout.StartOffsetField);
        ulong end = files.ReadU64((long)LogLayout.EndOffsetField);
        ulong write = files.ReadU64((long)LogLayout.WriteOffsetField);
        bool ok = write >= start && write <= end;
        sb.Append("\nPMEM LOG Header:\n");
        Line(sb, "Start offset", $"0x{start:x}");
        Line(sb, "Write offset", $"0x{write:x} [{(ok ? "OK" : "ERROR")}]");
        Line(sb, "End offset", $"0x{end:x}");
    }

    private static void Line(StringBuilder sb, string label, string value) =>
        sb.Append(label.PadRight(25)).Append(": ").Append(value).Append('\n');
}
