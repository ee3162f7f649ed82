// Facts the kernel publishes under /sys: Device DAX geometry, NVDIMM regions, persistence domain.
using System.Globalization;

namespace Pmdk.Pmem.Detection;

/// <summary>Reads NVDIMM and Device DAX facts from sysfs. Every reader returns null or false where absent.</summary>
internal static class Sysfs
{
    /// <summary>Root of sysfs; tests point it at a fake tree.</summary>
    public static string Root { get; set; } = "/sys";

    /// <summary>The device directory of a char (Device DAX) or block device number.</summary>
    public static string DeviceDirectory(bool charDevice, uint major, uint minor) =>
        Path.Combine(Root, "dev", charDevice ? "char" : "block", $"{major}:{minor}");

    /// <summary>Whether a char device is a Device DAX (its subsystem is "dax").</summary>
    public static bool IsDeviceDax(uint major, uint minor)
    {
        string subsystem = Path.Combine(DeviceDirectory(true, major, minor), "subsystem");
        string? target = ResolveLink(subsystem);
        return target is not null && Path.GetFileName(target) == "dax";
    }

    /// <summary>Size in bytes of a Device DAX.</summary>
    public static ulong? DeviceDaxSize(uint major, uint minor) =>
        ReadUInt64(Path.Combine(DeviceDirectory(true, major, minor), "size"));

    /// <summary>Mapping alignment of a Device DAX (its <c>device/align</c>).</summary>
    public static ulong? DeviceDaxAlignment(uint major, uint minor) =>
        ReadUInt64(Path.Combine(DeviceDirectory(true, major, minor), "device", "align"));

    /// <summary>
    /// The NVDIMM region directory a device belongs to (an ancestor named regionN), or null for other devices.
    /// </summary>
    public static string? RegionOf(bool charDevice, uint major, uint minor)
    {
        string? dir = ResolveLink(DeviceDirectory(charDevice, major, minor));
        while (!string.IsNullOrEmpty(dir))
        {
            string name = Path.GetFileName(dir);
            if (name.StartsWith("region", StringComparison.Ordinal) && name.Length > 6 && char.IsAsciiDigit(name[6]))
                return dir;
            dir = Path.GetDirectoryName(dir);
        }
        return null;
    }

    /// <summary>
    /// True when NVDIMM regions exist and all of them report <c>persistence_domain</c> = cpu_cache (eADR),
    /// as PMDK's pmem_has_auto_flush.
    /// </summary>
    public static bool AllRegionsAutoFlush()
    {
        string bus = Path.Combine(Root, "bus", "nd", "devices");
        if (!Directory.Exists(bus))
            return false;
        bool any = false;
        foreach (string region in Directory.EnumerateDirectories(bus, "region*"))
        {
            string? domain = ReadText(Path.Combine(region, "persistence_domain"));
            if (domain is null)
                continue;
            any = true;
            if (!domain.Contains("cpu_cache", StringComparison.Ordinal))
                return false;
        }
        return any;
    }

    public static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static ulong? ReadUInt64(string path)
    {
        string? text = ReadText(path);
        if (text is null)
            return null;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong h) ? h : null;
        return ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v) ? v : null;
    }

    /// <summary>Writes a sysfs attribute; false where it does not exist or cannot be written.</summary>
    public static bool TryWrite(string path, string value)
    {
        try
        {
            if (!File.Exists(path))
                return false;
            File.WriteAllText(path, value);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? ResolveLink(string path)
    {
        try
        {
            var info = new DirectoryInfo(path);
            if (!info.Exists && !File.Exists(path))
                return null;
            FileSystemInfo? target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName ?? info.FullName;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
