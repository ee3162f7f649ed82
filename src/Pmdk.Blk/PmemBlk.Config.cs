// PMEMBLK_CONF: the prefault ctls of libpmemblk applied to the options of a create or open (PMDK: libpmemblk/blk.c ctl_load_config_from_env, common/ctl.c).
using Pmdk.Pool;

namespace Pmdk.Blk;

public sealed partial class PmemBlk
{
    /// <summary>Environment variable holding a ctl configuration string. C: <c>PMEMBLK_CONF</c>.</summary>
    public const string ConfVariable = "PMEMBLK_CONF";

    /// <summary>
    /// Creates a pool with <c>PMEMBLK_CONF</c> applied, as libpmemblk does at every create:
    /// <c>prefault.at_create=1</c> sets <see cref="PmemBlkOptions.Prefault"/>.
    /// </summary>
    /// <exception cref="PmemException">A malformed entry or a ctl name libpmemblk does not know (InvalidArgument).</exception>
    public static PmemBlk CreateWithEnvironmentConfig(string path, int blockSize, long size, PmemBlkOptions? options = null) =>
        Create(path, blockSize, size, ApplyConfig(options ?? PmemBlkOptions.Default, Environment.GetEnvironmentVariable(ConfVariable), create: true));

    /// <summary>Opens a pool with <c>PMEMBLK_CONF</c> applied (<c>prefault.at_open=1</c> sets <see cref="PmemBlkOptions.Prefault"/>).</summary>
    /// <exception cref="PmemException">A malformed entry or a ctl name libpmemblk does not know (InvalidArgument).</exception>
    public static PmemBlk OpenWithEnvironmentConfig(string path, int blockSize = 0, PmemBlkOptions? options = null) =>
        Open(path, blockSize, ApplyConfig(options ?? PmemBlkOptions.Default, Environment.GetEnvironmentVariable(ConfVariable), create: false));

    /// <summary>
    /// Returns <paramref name="options"/> with the entries of a ctl string (<c>name=value</c> separated by <c>;</c>)
    /// applied: <c>prefault.at_create</c> for a create, <c>prefault.at_open</c> for an open; <c>sds.at_create</c> is
    /// accepted and has no effect on a blk pool here. Booleans read like PMDK's: first character 1/t/y or 0/f/n.
    /// </summary>
    internal static PmemBlkOptions ApplyConfig(PmemBlkOptions options, string? config, bool create)
    {
        if (string.IsNullOrWhiteSpace(config))
            return options;
        bool prefault = options.Prefault;
        foreach ((string name, string value) in CtlConfigString.Parse(config))
        {
            switch (name)
            {
                case "prefault.at_create":
                    if (create)
                        prefault = CtlConfigString.ParseBool(name, value);
                    break;
                case "prefault.at_open":
                    if (!create)
                        prefault = CtlConfigString.ParseBool(name, value);
                    break;
                case "sds.at_create":
                    _ = CtlConfigString.ParseBool(name, value);
                    break;
                default:
                    throw new PmemException(PmemErrorCode.InvalidArgument, $"{ConfVariable}: unknown ctl name \"{name}\"", null);
            }
        }
        return new PmemBlkOptions
        {
            Mode = options.Mode,
            IsPmemForce = options.IsPmemForce,
            PersistenceProvider = options.PersistenceProvider,
            MaxLanes = options.MaxLanes,
            LaneSelection = options.LaneSelection,
            Prefault = prefault,
        };
    }
}
