// Decision logic: CPU features × tuning → flush instruction, copy ISA, threshold (PMDK: pmem2_arch_init).
namespace Pmdk.Pmem.Detection;

/// <summary>
/// The resolved CPU persistence choices, decided once per mapping from <see cref="CpuFeatures"/> and
/// <see cref="PmemTuning"/>. A pure function of its inputs, so every combination is unit-tested.
/// </summary>
/// <param name="Flush">The flush instruction.</param>
/// <param name="Isa">The vector width of non-temporal copies.</param>
/// <param name="MovntThreshold">Copies of at least this size use non-temporal stores; <see cref="ulong.MaxValue"/> means never.</param>
public readonly record struct PersistenceProfile(FlushInstruction Flush, CopyIsa Isa, ulong MovntThreshold)
{
    /// <summary>The profile of this CPU with the process environment's tuning.</summary>
    public static PersistenceProfile Default { get; } = Resolve(CpuFeatures.Current, PmemTuning.Default, autoFlush: false);

    /// <summary>Chooses CLWB &gt; CLFLUSHOPT &gt; CLFLUSH, honouring the tuning; the widest allowed copy ISA.</summary>
    /// <param name="cpu">The CPU's features.</param>
    /// <param name="tuning">Options (PMEM_NO_CLWB, PMEM_NO_CLFLUSHOPT, PMEM_NO_FLUSH, PMEM_NO_MOVNT, PMEM_AVX512F, PMEM_AVX).</param>
    /// <param name="autoFlush">The platform flushes caches on power failure (eADR).</param>
    public static PersistenceProfile Resolve(CpuFeatures cpu, PmemTuning tuning, bool autoFlush)
    {
        ArgumentNullException.ThrowIfNull(tuning);
        FlushInstruction flush;
        bool skipFlush = tuning.NoFlush ?? autoFlush;
        if (skipFlush)
            flush = FlushInstruction.None;
        else if (cpu.Clwb && !tuning.NoClwb)
            flush = FlushInstruction.Clwb;
        else if (cpu.ClflushOpt && !tuning.NoClflushOpt)
            flush = FlushInstruction.ClflushOpt;
        else if (cpu.Clflush)
            flush = FlushInstruction.Clflush;
        else
            flush = FlushInstruction.None;

        CopyIsa isa = cpu.Avx512F && tuning.AllowAvx512F && tuning.AllowAvx ? CopyIsa.Avx512F
            : cpu.Avx && tuning.AllowAvx ? CopyIsa.Avx
            : cpu.Sse2 ? CopyIsa.Sse2
            : CopyIsa.Generic;

        ulong threshold = tuning.NoMovnt || isa == CopyIsa.Generic ? ulong.MaxValue : tuning.MovntThreshold;
        return new PersistenceProfile(flush, isa, threshold);
    }

    /// <summary>Whether a copy of <paramref name="length"/> bytes with <paramref name="flags"/> uses non-temporal stores.</summary>
    public bool UsesNonTemporal(ulong length, PmemFlags flags)
    {
        if (Isa == CopyIsa.Generic || MovntThreshold == ulong.MaxValue)
            return false;
        if ((flags & (PmemFlags.NonTemporal | PmemFlags.WriteCombining)) != 0)
            return true;
        if ((flags & (PmemFlags.Temporal | PmemFlags.WriteBack)) != 0)
            return false;
        return length >= MovntThreshold;
    }
}
