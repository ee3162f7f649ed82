// Feature words of the pool header (PMDK: common/pool_hdr.h POOL_FEAT_*).
namespace Pmdk.Pool;

/// <summary>"May" features: an unknown bit is ignored at open.</summary>
[Flags]
public enum CompatFeatures : uint
{
    /// <summary>No features.</summary>
    None = 0,
    /// <summary>CHECK_BAD_BLOCKS: look for bad blocks at open.</summary>
    CheckBadBlocks = 0x1,
}

/// <summary>"Must support" features: an unknown bit makes open fail.</summary>
[Flags]
public enum IncompatFeatures : uint
{
    /// <summary>No features.</summary>
    None = 0,
    /// <summary>SINGLEHDR: only part 0 of each replica has a header.</summary>
    SingleHeader = 0x1,
    /// <summary>CKSUM_2K: the header checksum covers only bytes 0..2047.</summary>
    Checksum2K = 0x2,
    /// <summary>SHUTDOWN_STATE: the SDS block is live.</summary>
    ShutdownState = 0x4,
}

/// <summary>Known feature bits and the defaults PMDK 1.12.1 (Debian) writes.</summary>
public static class PoolFeatures
{
    /// <summary>Compat bits this implementation knows.</summary>
    public const CompatFeatures KnownCompat = CompatFeatures.CheckBadBlocks;

    /// <summary>Incompat bits this implementation knows.</summary>
    public const IncompatFeatures KnownIncompat =
        IncompatFeatures.SingleHeader | IncompatFeatures.Checksum2K | IncompatFeatures.ShutdownState;

    /// <summary>Compat written at creation (Debian builds with ndctl).</summary>
    public const CompatFeatures DefaultCompat = CompatFeatures.CheckBadBlocks;

    /// <summary>Incompat written at creation (CKSUM_2K | SDS).</summary>
    public const IncompatFeatures DefaultIncompat = IncompatFeatures.Checksum2K | IncompatFeatures.ShutdownState;

    /// <summary>The bracketed names <c>pmempool info</c> prints, e.g. <c>0x6 [CKSUM_2K, SHUTDOWN_STATE]</c>.</summary>
    public static string Describe(uint value, bool incompat)
    {
        var names = new List<string>();
        if (incompat)
        {
            if ((value & 0x1) != 0) names.Add("SINGLEHDR");
            if ((value & 0x2) != 0) names.Add("CKSUM_2K");
            if ((value & 0x4) != 0) names.Add("SHUTDOWN_STATE");
        }
        else if ((value & 0x1) != 0)
        {
            names.Add("CHECK_BAD_BLOCKS");
        }
        string hex = $"0x{value:x}";
        return names.Count == 0 ? hex : $"{hex} [{string.Join(", ", names)}]";
    }
}
