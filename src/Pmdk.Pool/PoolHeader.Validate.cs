// The header checks the library runs at open, in PMDK's order (PMDK: common/set.c util_header_check, pool_hdr.c).
namespace Pmdk.Pool;

public partial struct PoolHeader
{
    /// <summary>
    /// Runs the per-header checks of spec §3.10 steps 1–6 in PMDK's order: major non-zero, signature, major,
    /// features, checksum, arch flags.
    /// </summary>
    /// <param name="kind">The expected pool type.</param>
    /// <param name="path">The part file, for messages.</param>
    /// <returns>True when an unknown ro_compat bit forces the pool read-only.</returns>
    /// <exception cref="PoolCorruptedException">A check failed; the message names the field and the values.</exception>
    public readonly bool ValidateForOpen(PoolKind kind, string path)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (IsZero(AsBytes(in this)))
            throw new PoolCorruptedException("pool header is all zero: not a pool, or its creation did not complete", path);
        if (Major == 0)
            throw new PoolCorruptedException("invalid pool header field 'major': invalid major version (0)", path);
        if (!kind.SignatureMatches(Signature))
        {
            throw new PoolCorruptedException(
                $"wrong pool type: header field 'signature' is \"{SignatureText}\", expected \"{kind.Signature}\"",
                path, PmemErrorCode.PoolIncompatible);
        }
        if (Major != kind.Major)
        {
            throw new PoolCorruptedException(
                $"header field 'major': pool version {Major} (library expects {kind.Major})", path, PmemErrorCode.PoolIncompatible);
        }
        IncompatFeatures unknownIncompat = Incompat & ~PoolFeatures.KnownIncompat;
        if (unknownIncompat != 0)
        {
            throw new PoolCorruptedException(
                $"header field 'incompat' has unknown features 0x{(uint)unknownIncompat:x}: unsafe to continue due to unknown incompat features",
                path, PmemErrorCode.PoolIncompatible);
        }
        bool readOnly = RoCompat != 0;
        ulong computed = ComputeChecksum();
        if (computed != Checksum)
        {
            throw new PoolCorruptedException(
                $"invalid checksum of pool header (field 'checksum': stored 0x{Checksum:x16}, computed 0x{computed:x16})", path);
        }
        ArchFlags current = ArchFlags.Current;
        if (!Arch.ReservedIsZero)
            throw new PoolCorruptedException("wrong architecture flags: header field 'arch_flags.reserved' is not zero", path, PmemErrorCode.PoolIncompatible);
        if (Arch.Machine != current.Machine)
            throw ArchMismatch("arch_flags.machine", Arch.Machine, current.Machine, path);
        if (Arch.Data != current.Data)
            throw ArchMismatch("arch_flags.data", Arch.Data, current.Data, path);
        if (Arch.MachineClass != current.MachineClass)
            throw ArchMismatch("arch_flags.machine_class", Arch.MachineClass, current.MachineClass, path);
        if (Arch.AlignmentDescriptor != current.AlignmentDescriptor)
            throw ArchMismatch("arch_flags.alignment_desc", Arch.AlignmentDescriptor, current.AlignmentDescriptor, path);
        return readOnly;
    }

    private static PoolCorruptedException ArchMismatch(string field, ulong found, ulong expected, string path) =>
        new($"wrong architecture flags: header field '{field}' is 0x{found:x}, this platform has 0x{expected:x}",
            path, PmemErrorCode.PoolIncompatible);
}
