using Pmdk.Testing;

namespace Pmdk.Pmem.Tests;

/// <summary>libpmem2: PmemSource + PmemConfig + PmemMapping.Create, granularity and reservations.</summary>
public class MappingTests
{
    private static string MakeFile(TempPoolDirectory dir, string name, long size)
    {
        string path = dir.File(name);
        using var fs = File.Create(path);
        fs.SetLength(size);
        return path;
    }

    [Fact]
    public void A_tmpfs_file_is_page_granularity_unless_forced()
    {
        using var dir = new TempPoolDirectory();
        using var source = PmemSource.FromPath(MakeFile(dir, "f", 1 << 20));
        Assert.Equal(PmemSourceKind.RegularFile, source.Kind);
        Assert.Equal(1UL << 20, source.Size);
        Assert.Equal(4096UL, source.Alignment);
        using (PmemMapping page = PmemMapping.Create(source, new PmemConfig { ForceGranularity = null }))
        {
            Assert.Equal(PmemGranularity.Page, page.Granularity);
            Assert.False(page.IsDax);
        }
        using PmemMapping forced = PmemMapping.Create(source, new PmemConfig { ForceGranularity = PmemGranularity.CacheLine });
        Assert.Equal(PmemGranularity.CacheLine, forced.Granularity);
        Assert.Equal(PmemGranularity.CacheLine, forced.Persistence.Granularity);
    }

    [Fact]
    public void Requiring_a_finer_granularity_than_offered_fails()
    {
        using var dir = new TempPoolDirectory();
        using var source = PmemSource.FromPath(MakeFile(dir, "f", 1 << 20));
        var e = Assert.Throws<PmemException>(() => PmemMapping.Create(source,
            new PmemConfig { ForceGranularity = null, RequiredStoreGranularity = PmemGranularity.CacheLine }));
        Assert.Equal(PmemErrorCode.GranularityNotSupported, e.Code);
        using PmemMapping ok = PmemMapping.Create(source,
            new PmemConfig { ForceGranularity = PmemGranularity.CacheLine, RequiredStoreGranularity = PmemGranularity.CacheLine });
    }

    [Theory]
    [InlineData(100UL, 0UL, PmemErrorCode.OffsetUnaligned)]
    [InlineData(0UL, 100UL, PmemErrorCode.LengthUnaligned)]
    [InlineData(2UL << 20, 0UL, PmemErrorCode.OffsetOutOfRange)]
    [InlineData(4096UL, 1UL << 20, PmemErrorCode.MapRange)]
    public void Bad_ranges_are_rejected_with_pmem2_codes(ulong offset, ulong length, PmemErrorCode code)
    {
        using var dir = new TempPoolDirectory();
        using var source = PmemSource.FromPath(MakeFile(dir, "f", 1 << 20));
        Assert.Equal(code, Assert.Throws<PmemException>(() => PmemMapping.Create(source, new PmemConfig { Offset = offset, Length = length })).Code);
    }

    [Fact]
    public void An_offset_mapping_sees_the_file_at_that_offset()
    {
        using var dir = new TempPoolDirectory();
        string path = MakeFile(dir, "f", 1 << 20);
        using (var fs = File.OpenWrite(path))
        {
            fs.Position = 8192;
            fs.Write("at 8k"u8);
        }
        using var source = PmemSource.FromPath(path);
        using PmemMapping map = PmemMapping.Create(source, new PmemConfig { Offset = 8192, Length = 4096 });
        Assert.Equal(4096UL, map.Length);
        Assert.True(map.GetSpan(0, 5).SequenceEqual("at 8k"u8));
    }

    [Fact]
    public void An_empty_file_is_source_empty()
    {
        using var dir = new TempPoolDirectory();
        using var source = PmemSource.FromPath(MakeFile(dir, "e", 0));
        Assert.Equal(PmemErrorCode.SourceEmpty, Assert.Throws<PmemException>(() => PmemMapping.Create(source)).Code);
    }

    [Fact]
    public void A_read_only_source_cannot_be_mapped_writable_shared()
    {
        using var dir = new TempPoolDirectory();
        using var source = PmemSource.FromPath(MakeFile(dir, "r", 4096), writable: false);
        Assert.Equal(PmemErrorCode.AccessDenied, Assert.Throws<PmemException>(() => PmemMapping.Create(source)).Code);
        using PmemMapping ro = PmemMapping.Create(source, new PmemConfig { Protection = PmemProtection.Read });
        Assert.Equal(0, ro.GetSpan(0, 1)[0]);
        using PmemMapping cow = PmemMapping.Create(source, new PmemConfig { Sharing = PmemSharing.Private });
        cow.GetSpan(0, 1)[0] = 9;
        Assert.Equal(0, File.ReadAllBytes(source.Path!)[0]);
    }

    [Fact]
    public void Handles_are_borrowed_and_stay_open()
    {
        using var dir = new TempPoolDirectory();
        string path = MakeFile(dir, "h", 4096);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        using (var source = PmemSource.FromHandle(handle, path: path))
        using (PmemMapping map = PmemMapping.Create(source))
            map.Write(0, "x"u8);
        Assert.False(handle.IsClosed);
        handle.Dispose();
        Assert.Equal(PmemErrorCode.InvalidFileHandle, Assert.Throws<PmemException>(() => PmemSource.FromHandle(handle)).Code);
    }

    [Fact]
    public void Anonymous_sources_map_and_persist()
    {
        using var source = PmemSource.Anonymous(1 << 20);
        using PmemMapping map = PmemMapping.Create(source);
        map.Write(10, "anon"u8);
        map.Persist(0, 100);
        Assert.True(map.GetSpan(10, 4).SequenceEqual("anon"u8));
        Assert.Empty(source.GetBadBlocks());
        Assert.Equal(PmemErrorCode.UnsafeShutdownUnsupported, Assert.Throws<PmemException>(() => source.GetUnsafeShutdownCount()).Code);
    }

    [Fact]
    public void Mappings_placed_in_a_reservation_are_contiguous_and_findable()
    {
        using var dir = new TempPoolDirectory();
        using var a = PmemSource.FromPath(MakeFile(dir, "a", 64 << 10));
        using var b = PmemSource.FromPath(MakeFile(dir, "b", 64 << 10));
        using var reservation = VmReservation.Create(128 << 10);
        using (PmemMapping ma = PmemMapping.Create(a, new PmemConfig { Reservation = reservation, ReservationOffset = 0 }))
        using (PmemMapping mb = PmemMapping.Create(b, new PmemConfig { Reservation = reservation, ReservationOffset = 64 << 10 }))
        {
            unsafe
            {
                Assert.Equal((nint)ma.DangerousGetPointer() + (64 << 10), (nint)mb.DangerousGetPointer());
            }
            Assert.Same(mb, reservation.FindMapping(70_000));
            Assert.Same(ma, reservation.FindMapping(0));
            Assert.Equal(2, reservation.Mappings.Count);
            Assert.Equal(PmemErrorCode.MappingExists, Assert.Throws<PmemException>(() =>
                PmemMapping.Create(a, new PmemConfig { Reservation = reservation, ReservationOffset = 32 << 10 })).Code);
            Assert.Equal(PmemErrorCode.MappingExists, Assert.Throws<PmemException>(() => reservation.Dispose()).Code);
            mb.Write(0, "b!"u8);
        }
        Assert.Null(reservation.FindMapping(70_000));
        Assert.Empty(reservation.Mappings);
        Assert.Equal((byte)'b', File.ReadAllBytes(b.Path!)[0]);
    }

    [Fact]
    public void Reservations_extend_and_shrink()
    {
        // The kernel packs new mappings downwards, so free room after a reservation is made by shrinking it first.
        using var reservation = VmReservation.Create(192 << 10);
        reservation.Shrink(64 << 10, 128 << 10);
        Assert.Equal(64UL << 10, reservation.Size);
        nint start = reservation.Address;
        reservation.Extend(64 << 10);
        Assert.Equal(128UL << 10, reservation.Size);
        reservation.Shrink(0, 16 << 10);
        Assert.Equal(start + (16 << 10), reservation.Address);
        reservation.Shrink(reservation.Size - (16 << 10), 16 << 10);
        Assert.Equal(96UL << 10, reservation.Size);
        Assert.Equal(PmemErrorCode.NotSupported, Assert.Throws<PmemException>(() => reservation.Shrink(16 << 10, 16 << 10)).Code);
        Assert.Equal(PmemErrorCode.LengthUnaligned, Assert.Throws<PmemException>(() => reservation.Extend(100)).Code);
        Assert.Equal(PmemErrorCode.LengthUnaligned, Assert.Throws<PmemException>(() => VmReservation.Create(1000)).Code);
    }

    [Fact]
    public void A_fixed_address_that_is_taken_is_mapping_exists()
    {
        using var first = VmReservation.Create(64 << 10);
        Assert.Equal(PmemErrorCode.MappingExists, Assert.Throws<PmemException>(() => VmReservation.Create(64 << 10, first.Address)).Code);
    }

    [Fact]
    public void Regular_files_off_nvdimm_have_no_bad_blocks_and_no_usc()
    {
        using var dir = new TempPoolDirectory(PoolBackend.Disk);
        using var source = PmemSource.FromPath(MakeFile(dir, "f", 1 << 20));
        Assert.Empty(source.GetBadBlocks());
        Assert.Equal(PmemErrorCode.UnsafeShutdownUnsupported, Assert.Throws<PmemException>(() => source.GetDeviceId()).Code);
        source.ClearBadBlock(new BadBlocks.BadBlock(4096, 512));
        Assert.Equal(PmemErrorCode.OffsetOutOfRange,
            Assert.Throws<PmemException>(() => source.ClearBadBlock(new BadBlocks.BadBlock(1 << 20, 512))).Code);
    }

    private sealed class ThrowingProvider : Persistence.IPersistenceProvider
    {
        public Persistence.IPersistence Create(PmemMapping mapping, Persistence.IPersistence native) =>
            throw new PmemException(PmemErrorCode.NotSupported, "provider refuses");
    }

    [Fact]
    public void A_failing_persistence_provider_releases_the_mapping_and_its_reservation_range()
    {
        using var dir = new TempPoolDirectory();
        using var source = PmemSource.FromPath(MakeFile(dir, "p", 64 << 10));
        using var reservation = VmReservation.Create(64 << 10);
        var e = Assert.Throws<PmemException>(() => PmemMapping.Create(source,
            new PmemConfig { Reservation = reservation, PersistenceProvider = new ThrowingProvider() }));
        Assert.Equal("provider refuses", e.Message);
        Assert.Empty(reservation.Mappings);
        using PmemMapping again = PmemMapping.Create(source, new PmemConfig { Reservation = reservation });
        Assert.Same(again, reservation.FindMapping(0));
    }
}
