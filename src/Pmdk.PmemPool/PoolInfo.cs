// pmempool info: the part files, the pool header and the log descriptor as text (PMDK: tools/pmempool/info.c, info_log.c).
using System.Globalization;
using System.Text;
using Pmdk.Log;
using Pmdk.Pool;

namespace Pmdk.PmemPool;

/// <summary>Formats what <c>pmempool info</c> prints for a pool file or set, with the same labels as PMDK 1.12.1.</summary>
public static partial class PoolInfo
{
    /// <summary>
    /// Describes the pool at <paramref name="path"/>. Throws <see cref="PmemException"/> for an unknown pool type
    /// (all-zero header) or a wrong header checksum, as <c>pmempool info</c> exits 1 there.
    /// </summary>
    /// <remarks>C: <c>pmempool info</c>.</remarks>
    public static string Describe(string path) => Describe(path, null);

    /// <summary>Describes the pool at <paramref name="path"/> with the sections <paramref name="options"/> selects.</summary>
    /// <exception cref="PmemException">Unknown pool type, wrong header checksum, an option that does not apply, or I/O failure.</exception>
    /// <remarks>C: <c>pmempool info</c>.</remarks>
    public static string Describe(string path, InfoOptions? options)
    {
        options ??= new InfoOptions();
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
        options.Validate(kind, path);
        HeaderLines(sb, h, options.Verbose);
        if (kind == PoolKind.Log)
            LogLines(sb, files);
        else if (kind == PoolKind.Blk)
            BlkLines(sb, files, options);
        else if (kind == PoolKind.Obj)
            ObjLines(sb, files, options);
        return sb.ToString();
    }

    private static void PartLines(StringBuilder sb, string path, long size)
    {
        Line(sb, "path", path);
        Line(sb, "type", "regular file");
        Line(sb, "size", size.ToString(CultureInfo.InvariantCulture));
    }

    private static void HeaderLines(StringBuilder sb, PoolHeader h, bool verbose)
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
        if (verbose)
            AlignmentTable(sb, h.Arch.AlignmentDescriptor);
        Line(sb, "Class", h.Arch.MachineClass switch { 1 => "32", 2 => "64", _ => "unknown" });
        Line(sb, "Data", h.Arch.Data switch { 1 => "2's complement, little endian", 2 => "2's complement, big endian", _ => "unknown" });
        Line(sb, "Machine", h.Arch.MachineName);
        Line(sb, "Last shutdown", h.Sds.Dirty != 0 ? "dirty" : "clean");
        ulong computed = h.ComputeChecksum();
        Line(sb, "Checksum", computed == h.Checksum ? $"0x{h.Checksum:x} [OK]" : $"0x{h.Checksum:x} [wrong! should be: 0x{computed:x}]");
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

    private static readonly string[] AlignedTypes =
        ["char", "short", "int", "long", "long long", "size_t", "os_off_t", "float", "double", "long double", "void *"];

    /// <summary>The -v table: one nibble per type, alignment − 1.</summary>
    private static void AlignmentTable(StringBuilder sb, ulong descriptor)
    {
        for (int i = 0; i < AlignedTypes.Length; i++)
        {
            ulong align = ((descriptor >> (4 * i)) & 0xF) + 1;
            sb.Append("  ").Append(AlignedTypes[i].PadRight(23)).Append(": ").Append(align.ToString(CultureInfo.InvariantCulture).PadLeft(2)).Append('\n');
        }
    }

    private static void Line(StringBuilder sb, string label, string value) =>
        sb.Append(label.PadRight(25)).Append(": ").Append(value).Append('\n');
}
