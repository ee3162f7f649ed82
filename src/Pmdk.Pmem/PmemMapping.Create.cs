// libpmem2 mapping: validate the config, try MAP_SYNC, decide the granularity (PMDK: libpmem2/map_posix.c).
using Pmdk.Interop;
using Pmdk.Pmem.Detection;

namespace Pmdk.Pmem;

public sealed unsafe partial class PmemMapping
{
    /// <summary>Maps a source. C: <c>pmem2_map_new</c>.</summary>
    /// <exception cref="PmemException">Unaligned or out-of-range offset/length, an empty source,
    /// or a granularity coarser than <see cref="PmemConfig.RequiredStoreGranularity"/>.</exception>
    public static PmemMapping Create(PmemSource source, PmemConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        config ??= new PmemConfig();
        string? path = source.Path;

        if (config.Offset % source.Alignment != 0)
            throw new PmemException(PmemErrorCode.OffsetUnaligned,
                $"offset {config.Offset} is not a multiple of the source alignment {source.Alignment}.", path);
        if (config.Length % source.Alignment != 0)
            throw new PmemException(PmemErrorCode.LengthUnaligned,
                $"length {config.Length} is not a multiple of the source alignment {source.Alignment}.", path);
        if (source.Size == 0)
            throw new PmemException(PmemErrorCode.SourceEmpty, "the source is empty; nothing to map.", path);
        if (config.Offset >= source.Size)
            throw new PmemException(PmemErrorCode.OffsetOutOfRange,
                $"offset {config.Offset} is beyond the source size {source.Size}.", path);
        ulong length = config.Length == 0 ? source.Size - config.Offset : config.Length;
        if (length > source.Size - config.Offset)
            throw new PmemException(PmemErrorCode.MapRange,
                $"range [{config.Offset}, {config.Offset + length}) exceeds the source size {source.Size}.", path);
        if (length > long.MaxValue)
            throw new PmemException(PmemErrorCode.LengthOutOfRange, $"length {length} is too large.", path);

        int prot = ToProt(config.Protection);
        if ((config.Protection & PmemProtection.Write) != 0 && !source.IsWritable && config.Sharing == PmemSharing.Shared)
            throw new PmemException(PmemErrorCode.AccessDenied, "a writable shared mapping needs a writable source.", path);

        nint fixedAddress = 0;
        if (config.Reservation is { } reservation)
            fixedAddress = reservation.Claim(config.ReservationOffset, length);

        bool dax = source.Kind == PmemSourceKind.DeviceDax;
        nint address;
        try
        {
            address = MapSource(source, config.Sharing, prot, config.Offset, length, fixedAddress, ref dax);
        }
        catch
        {
            config.Reservation?.Unclaim(config.ReservationOffset, length);
            throw;
        }

        bool autoFlush = dax && Sysfs.AllRegionsAutoFlush();
        PmemGranularity granularity = source.Kind == PmemSourceKind.Anonymous || config.Sharing == PmemSharing.Private
            ? config.ForceGranularity ?? PmemGranularity.Byte
            : MappingDecision.Granularity(dax, autoFlush, config.ForceGranularity);

        if (!MappingDecision.Satisfies(granularity, config.RequiredStoreGranularity))
        {
            Unmap(address, length, config.Reservation);
            config.Reservation?.Unclaim(config.ReservationOffset, length);
            throw new PmemException(PmemErrorCode.GranularityNotSupported,
                $"the mapping offers {granularity} granularity; {config.RequiredStoreGranularity} was required.", path);
        }

        PersistenceProfile profile = PersistenceProfile.Resolve(CpuFeatures.Current, config.Tuning, autoFlush);
        var handle = config.Reservation is null ? new SafeMappingHandle(address, (nuint)length) : null;
        var mapping = new PmemMapping(handle, (byte*)address, length, isPmem: granularity != PmemGranularity.Page,
            isDax: dax, granularity, profile, path, config.Reservation, config.ReservationOffset)
        {
            DeviceNumber = source.DeviceNumber,
            IsCharDevice = source.Kind == PmemSourceKind.DeviceDax,
        };
        config.Reservation?.Register(mapping);
        return mapping.Attach(config.PersistenceProvider);
    }

    /// <summary>
    /// mmap a source. Shared file mappings try <c>MAP_SHARED_VALIDATE | MAP_SYNC</c> first: the kernel accepts
    /// it only on DAX filesystems, where it guarantees that CPU flushes alone make the data durable, so success
    /// is the pmem signal. EOPNOTSUPP/EINVAL mean "not DAX" and fall back to plain MAP_SHARED.
    /// </summary>
    internal static nint MapSource(PmemSource source, PmemSharing sharing, int prot, ulong offset, ulong length,
        nint fixedAddress, ref bool dax)
    {
        int fixedFlag = fixedAddress != 0 ? Libc.MAP_FIXED : 0;
        if (source.Kind == PmemSourceKind.Anonymous)
        {
            int anonFlags = (sharing == PmemSharing.Shared ? Libc.MAP_SHARED : Libc.MAP_PRIVATE) | Libc.MAP_ANONYMOUS | fixedFlag;
            nint anon = Libc.mmap(fixedAddress, (nuint)length, prot, anonFlags, -1, 0);
            if (anon == Libc.MAP_FAILED)
                throw PmemIOException.FromLastError(null, "mmap");
            return anon;
        }

        int fd = (int)source.Handle!.DangerousGetHandle();
        if (sharing == PmemSharing.Private)
        {
            nint priv = Libc.mmap(fixedAddress, (nuint)length, prot, Libc.MAP_PRIVATE | fixedFlag, fd, (long)offset);
            if (priv == Libc.MAP_FAILED)
                throw PmemIOException.FromLastError(source.Path, "mmap");
            return priv;
        }

        if (source.Kind == PmemSourceKind.RegularFile && (prot & Libc.PROT_WRITE) != 0)
        {
            nint sync = Libc.mmap(fixedAddress, (nuint)length, prot, Libc.MAP_SHARED_VALIDATE | Libc.MAP_SYNC | fixedFlag, fd, (long)offset);
            if (sync != Libc.MAP_FAILED)
            {
                dax = true;
                return sync;
            }
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (errno != Errno.EOPNOTSUPP && errno != Errno.EINVAL)
                throw PmemIOException.FromErrno(errno, source.Path, "mmap(MAP_SYNC)");
        }

        nint shared = Libc.mmap(fixedAddress, (nuint)length, prot, Libc.MAP_SHARED | fixedFlag, fd, (long)offset);
        if (shared == Libc.MAP_FAILED)
            throw PmemIOException.FromLastError(source.Path, "mmap");
        return shared;
    }

    private static void Unmap(nint address, ulong length, VmReservation? reservation)
    {
        if (reservation is null)
            _ = Libc.munmap(address, (nuint)length);
        else
            VmReservation.Rereserve(address, length);
    }

    private static int ToProt(PmemProtection protection)
    {
        if ((protection & ~(PmemProtection.Read | PmemProtection.Write | PmemProtection.Execute)) != 0)
            throw new PmemException(PmemErrorCode.InvalidArgument, $"invalid protection {protection}.");
        int prot = Libc.PROT_NONE;
        if ((protection & PmemProtection.Read) != 0) prot |= Libc.PROT_READ;
        if ((protection & PmemProtection.Write) != 0) prot |= Libc.PROT_WRITE;
        if ((protection & PmemProtection.Execute) != 0) prot |= Libc.PROT_EXEC;
        return prot;
    }
}
