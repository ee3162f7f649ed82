// PMDK's ctl configuration strings (PMEMOBJ_CONF, PMEMBLK_CONF, ...): entries and booleans (PMDK: common/ctl.c ctl_load_config, ctl_arg_boolean).
namespace Pmdk.Pool;

/// <summary>
/// A configuration string in PMDK's ctl syntax: <c>name=value</c> entries separated by <c>;</c>
/// (<c>"prefault.at_open=1;sds.at_create=0"</c>), shared by every pool type that reads a <c>*_CONF</c> variable.
/// </summary>
internal static class CtlConfigString
{
    /// <summary>Splits <paramref name="config"/> into (name, value) entries; blank entries are skipped.</summary>
    /// <exception cref="PmemException">An entry lacks a name or a <c>=</c> (code <see cref="PmemErrorCode.InvalidArgument"/>).</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var entries = new List<KeyValuePair<string, string>>();
        foreach (string raw in config.Split(';'))
        {
            string entry = raw.Trim();
            if (entry.Length == 0)
                continue;
            int eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new PmemException(PmemErrorCode.InvalidArgument, $"invalid ctl entry \"{entry}\": expected name=value", null);
            entries.Add(new(entry[..eq].Trim(), entry[(eq + 1)..].Trim()));
        }
        return entries;
    }

    /// <summary>A boolean as PMDK reads it: the first character 1/t/y or 0/f/n, any case. C: <c>ctl_arg_boolean</c>.</summary>
    /// <exception cref="PmemException">Anything else (code <see cref="PmemErrorCode.InvalidArgument"/>).</exception>
    public static bool ParseBool(string name, string value) => value.Length > 0 ? char.ToLowerInvariant(value[0]) switch
    {
        '1' or 't' or 'y' => true,
        '0' or 'f' or 'n' => false,
        _ => throw Invalid(name, value, "a boolean"),
    } : throw Invalid(name, value, "a boolean");

    /// <summary>The error for a value of the wrong kind.</summary>
    public static PmemException Invalid(string name, string value, string expected) =>
        new(PmemErrorCode.InvalidArgument, $"invalid value \"{value}\" for ctl \"{name}\": expected {expected}", null);
}
