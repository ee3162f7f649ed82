using Pmdk.Pmem.Detection;

namespace Pmdk.Pmem.Tests;

/// <summary>The decision logic of flush instruction, copy ISA, is-pmem and granularity, for every input.</summary>
public class DetectionTests
{
    private static readonly CpuFeatures All = new(true, true, true, true, true, true);

    [Theory]
    [InlineData(true, true, true, false, false, FlushInstruction.Clwb)]
    [InlineData(true, true, true, true, false, FlushInstruction.ClflushOpt)]
    [InlineData(true, true, true, true, true, FlushInstruction.Clflush)]
    [InlineData(true, true, false, false, false, FlushInstruction.ClflushOpt)]
    [InlineData(true, false, false, false, false, FlushInstruction.Clflush)]
    [InlineData(true, false, true, true, false, FlushInstruction.Clflush)]
    [InlineData(false, false, false, false, false, FlushInstruction.None)]
    public void Flush_instruction_prefers_clwb_then_clflushopt_then_clflush(
        bool clflush, bool clflushOpt, bool clwb, bool noClwb, bool noClflushOpt, FlushInstruction expected)
    {
        var cpu = new CpuFeatures(clflush, clflushOpt, clwb, true, true, true);
        var profile = PersistenceProfile.Resolve(cpu, new PmemTuning { NoClwb = noClwb, NoClflushOpt = noClflushOpt }, autoFlush: false);
        Assert.Equal(expected, profile.Flush);
    }

    [Theory]
    [InlineData(null, false, FlushInstruction.Clwb)]
    [InlineData(null, true, FlushInstruction.None)]
    [InlineData(true, false, FlushInstruction.None)]
    [InlineData(false, true, FlushInstruction.Clwb)]
    public void No_flush_follows_eadr_unless_forced(bool? noFlush, bool eadr, FlushInstruction expected) =>
        Assert.Equal(expected, PersistenceProfile.Resolve(All, new PmemTuning { NoFlush = noFlush }, eadr).Flush);

    [Theory]
    [InlineData(true, true, CopyIsa.Avx512F)]
    [InlineData(false, true, CopyIsa.Avx)]
    [InlineData(true, false, CopyIsa.Sse2)]
    [InlineData(false, false, CopyIsa.Sse2)]
    public void Copy_isa_honours_avx_switches(bool avx512, bool avx, CopyIsa expected) =>
        Assert.Equal(expected, PersistenceProfile.Resolve(All, new PmemTuning { AllowAvx512F = avx512, AllowAvx = avx }, false).Isa);

    [Fact]
    public void Environment_variables_are_the_defaults_of_the_tuning()
    {
        var env = new Dictionary<string, string>
        {
            ["PMEM_NO_CLWB"] = "1",
            ["PMEM_NO_CLFLUSHOPT"] = "1",
            ["PMEM_NO_MOVNT"] = "1",
            ["PMEM_MOVNT_THRESHOLD"] = "1024",
            ["PMEM_AVX512F"] = "0",
            ["PMEM_AVX"] = "0",
            ["PMEM_NO_FLUSH"] = "0",
            ["PMEM_IS_PMEM_FORCE"] = "1",
            ["PMEM2_FORCE_GRANULARITY"] = "cache_line",
        };
        var environment = new PmdkEnvironment(k => env.GetValueOrDefault(k));
        PmemTuning t = PmemTuning.FromEnvironment(environment);
        Assert.True(t.NoClwb);
        Assert.True(t.NoClflushOpt);
        Assert.True(t.NoMovnt);
        Assert.Equal(1024UL, t.MovntThreshold);
        Assert.False(t.AllowAvx512F);
        Assert.False(t.AllowAvx);
        Assert.False(t.NoFlush);
        Assert.True(environment.IsPmemForce);
        Assert.Equal(PmemGranularity.CacheLine, MappingDecision.ParseForcedGranularity(environment.ForceGranularity));
        var p = PersistenceProfile.Resolve(All, t, autoFlush: true);
        Assert.Equal(FlushInstruction.Clflush, p.Flush);
        Assert.Equal(CopyIsa.Sse2, p.Isa);
        Assert.False(p.UsesNonTemporal(1 << 20, PmemFlags.NonTemporal));
    }

    [Theory]
    [InlineData(255UL, PmemFlags.None, false)]
    [InlineData(256UL, PmemFlags.None, true)]
    [InlineData(8UL, PmemFlags.NonTemporal, true)]
    [InlineData(8UL, PmemFlags.WriteCombining, true)]
    [InlineData(1UL << 20, PmemFlags.Temporal, false)]
    [InlineData(1UL << 20, PmemFlags.WriteBack, false)]
    public void Non_temporal_choice_follows_threshold_and_flags(ulong length, PmemFlags flags, bool expected) =>
        Assert.Equal(expected, PersistenceProfile.Resolve(All, new PmemTuning(), false).UsesNonTemporal(length, flags));

    [Theory]
    [InlineData(true, false, null, true)]
    [InlineData(false, true, null, true)]
    [InlineData(false, false, null, false)]
    [InlineData(false, false, true, true)]
    [InlineData(true, true, false, false)]
    public void Is_pmem_is_map_sync_or_device_dax_unless_forced(bool mapSync, bool devDax, bool? force, bool expected) =>
        Assert.Equal(expected, MappingDecision.IsPmem(mapSync, devDax, force));

    [Theory]
    [InlineData(true, true, null, PmemGranularity.Byte)]
    [InlineData(true, false, null, PmemGranularity.CacheLine)]
    [InlineData(false, false, null, PmemGranularity.Page)]
    [InlineData(false, true, null, PmemGranularity.Page)]
    [InlineData(false, false, PmemGranularity.CacheLine, PmemGranularity.CacheLine)]
    [InlineData(true, false, PmemGranularity.Page, PmemGranularity.Page)]
    public void Granularity_follows_dax_and_eadr_unless_forced(bool dax, bool eadr, PmemGranularity? force, PmemGranularity expected) =>
        Assert.Equal(expected, MappingDecision.Granularity(dax, eadr, force));

    [Fact]
    public void Bad_forced_granularity_is_a_clear_error()
    {
        var e = Assert.Throws<PmemException>(() => MappingDecision.ParseForcedGranularity("HUGE"));
        Assert.Contains("PMEM2_FORCE_GRANULARITY", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void This_cpu_has_its_flush_routines_installed()
    {
        CpuFeatures cpu = CpuFeatures.Current;
        Assert.Equal(cpu.Clwb, Pmem.IsFlushAvailable(FlushInstruction.Clwb));
        Assert.Equal(cpu.ClflushOpt, Pmem.IsFlushAvailable(FlushInstruction.ClflushOpt));
        Assert.Equal(cpu.Clflush, Pmem.IsFlushAvailable(FlushInstruction.Clflush));
    }
}
