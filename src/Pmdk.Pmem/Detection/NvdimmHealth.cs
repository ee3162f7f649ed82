// Device id and unsafe-shutdown count of the NVDIMMs behind a source (PMDK: libpmem2/usc_ndctl.c).
using System.Globalization;
using System.Text;
using Pmdk.Interop;

namespace Pmdk.Pmem.Detection;

/// <summary>
/// Reads the DIMMs interleaved into a source's NVDIMM region (<c>regionN/mappingK</c> = "nmemX,offset,length,position")
/// and their <c>nfit/id</c> and <c>nfit/dirty_shutdown</c> attributes.
/// </summary>
internal static class NvdimmHealth
{
    /// <summary>The concatenated unique ids of the region's DIMMs. C: <c>pmem2_source_device_id</c>.</summary>
    public static string DeviceId(PmemSource source)
    {
        var sb = new StringBuilder();
        foreach (string dimm in Dimms(source))
        {
            string id = Sysfs.ReadText(Path.Combine(dimm, "nfit", "id"))
                ?? throw Unsupported(source, $"{dimm} exposes no nfit/id");
            sb.Append(id);
        }
        return sb.ToString();
    }

    /// <summary>The sum of the DIMMs' dirty-shutdown counters. C: <c>pmem2_source_device_usc</c>.</summary>
    public static ulong UnsafeShutdownCount(PmemSource source)
    {
        ulong sum = 0;
        foreach (string dimm in Dimms(source))
        {
            ulong count = Sysfs.ReadUInt64(Path.Combine(dimm, "nfit", "dirty_shutdown"))
                ?? throw Unsupported(source, $"{dimm} exposes no nfit/dirty_shutdown");
            sum += count;
        }
        return sum;
    }

    private static List<string> Dimms(PmemSource source)
    {
        if (source.Kind == PmemSourceKind.Anonymous || source.DeviceNumber == 0)
            throw Unsupported(source, "anonymous memory has no NVDIMM");
        bool isChar = source.Kind == PmemSourceKind.DeviceDax;
        string? region = Sysfs.RegionOf(isChar, StatBuf.Major(source.DeviceNumber), StatBuf.Minor(source.DeviceNumber))
            ?? throw Unsupported(source, "the source is not on an NVDIMM region");
        var dimms = new List<(int Position, string Dir)>();
        foreach (string mapping in Directory.EnumerateFiles(region, "mapping*"))
        {
            string? text = Sysfs.ReadText(mapping);
            if (text is null)
                continue;
            string[] fields = text.Split(',');
            int position = fields.Length > 3 && int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out int p) ? p : dimms.Count;
            dimms.Add((position, Path.Combine(Sysfs.Root, "bus", "nd", "devices", fields[0])));
        }
        if (dimms.Count == 0)
            throw Unsupported(source, $"region {region} lists no DIMM mappings");
        return [.. dimms.OrderBy(d => d.Position).Select(d => d.Dir)];
    }

    private static PmemException Unsupported(PmemSource source, string why) =>
        new(PmemErrorCode.UnsafeShutdownUnsupported, $"device id / unsafe shutdown count unavailable: {why}.", source.Path);
}
