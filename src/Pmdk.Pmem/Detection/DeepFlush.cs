// Deep flush: persist, then ask the NVDIMM region to drain its write-pending queues (PMDK: libpmem2/deep_flush_linux.c).
using Pmdk.Interop;

namespace Pmdk.Pmem.Detection;

/// <summary>Implements <see cref="PmemMapping.DeepFlush"/>.</summary>
internal static class DeepFlush
{
    /// <summary>
    /// Page granularity: msync is already the deepest flush there is. Otherwise persist the range, then write
    /// "1" to the region's <c>deep_flush</c> attribute when the device sits on an NVDIMM region that has one;
    /// elsewhere (emulated pmem) the persist is all that can be done.
    /// </summary>
    public static void Run(PmemMapping mapping, ulong offset, ulong length)
    {
        if (mapping.Granularity == PmemGranularity.Page)
        {
            mapping.Msync(offset, length);
            return;
        }
        mapping.Persist(offset, length);
        string? region = RegionDirectory(mapping);
        if (region is null)
            return;
        string control = Path.Combine(region, "deep_flush");
        if (File.Exists(control) && !Sysfs.TryWrite(control, "1"))
            throw new PmemException(PmemErrorCode.Errno, $"writing {control} failed.", mapping.Path);
    }

    /// <summary>The NVDIMM region of the mapping's device, or null.</summary>
    public static string? RegionDirectory(PmemMapping mapping)
    {
        if (mapping.DeviceNumber == 0)
            return null;
        return Sysfs.RegionOf(mapping.IsCharDevice, StatBuf.Major(mapping.DeviceNumber), StatBuf.Minor(mapping.DeviceNumber));
    }
}
