// PMEMOBJ_CONF / PMEMOBJ_CONF_FILE parsing and the ctl values that become pool options (PMDK: common/ctl.c ctl_load_config, ctl_load_config_from_file, ctl_arg_boolean).
using System.Globalization;
using Pmdk.Obj.Alloc;
using Pmdk.Pool;

namespace Pmdk.Obj.Ctl;

/// <summary>
/// Configuration strings in PMDK's ctl syntax: <c>name=value</c> entries separated by <c>;</c>
/// (<c>"prefault.at_open=1;stats.enabled=both"</c>); a configuration file holds the same, with
/// <c>#</c> comments to the end of a line and whitespace ignored.
/// </summary>
public static class ObjCtlConfig
{
    /// <summary>Environment variable holding a configuration string. C: <c>PMEMOBJ_CONF</c>.</summary>
    public const string ConfVariable = "PMEMOBJ_CONF";

    /// <summary>Environment variable naming a configuration file. C: <c>PMEMOBJ_CONF_FILE</c>.</summary>
    public const string ConfFileVariable = "PMEMOBJ_CONF_FILE";

    /// <summary>Splits a configuration string into (name, value) entries.</summary>
    /// <exception cref="PmemException">An entry lacks a name or a <c>=</c> (code <see cref="PmemErrorCode.InvalidArgument"/>).</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string config) => CtlConfigString.Parse(config);

    /// <summary>Reads a configuration file: comments (<c>#</c> to end of line) and whitespace are dropped, then it is parsed as a string.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new PmemException(PmemErrorCode.InvalidArgument, $"cannot read ctl configuration file: {e.Message}", path);
        }
        var sb = new System.Text.StringBuilder(text.Length);
        bool comment = false;
        foreach (char c in text)
        {
            if (c == '\n')
                comment = false;
            else if (c == '#')
                comment = true;
            if (!comment && !char.IsWhiteSpace(c))
                sb.Append(c);
        }
        return Parse(sb.ToString());
    }

    /// <summary>The entries of <c>PMEMOBJ_CONF</c> followed by those of <c>PMEMOBJ_CONF_FILE</c> (the order PMDK applies them).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> FromEnvironment()
    {
        var all = new List<KeyValuePair<string, string>>();
        if (Environment.GetEnvironmentVariable(ConfVariable) is { Length: > 0 } conf)
            all.AddRange(Parse(conf));
        if (Environment.GetEnvironmentVariable(ConfFileVariable) is { Length: > 0 } file)
            all.AddRange(ParseFile(file));
        return all;
    }

    /// <summary>
    /// Returns <paramref name="options"/> with the option-level entries applied: <c>prefault.at_create</c> /
    /// <c>prefault.at_open</c> (the one matching <paramref name="create"/>), <c>sds.at_create</c> and
    /// <c>copy_on_write.at_open</c> (MAP_PRIVATE at open). Other
    /// names are left for <see cref="ObjPoolCtl.Apply"/> after the pool is open.
    /// </summary>
    public static ObjPoolOptions ApplyTo(ObjPoolOptions options, IEnumerable<KeyValuePair<string, string>> entries, bool create)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(entries);
        bool prefault = options.Prefault, sds = options.ShutdownStateAtCreate, cow = options.CopyOnWriteAtOpen;
        foreach ((string name, string value) in entries)
        {
            switch (name)
            {
                case "prefault.at_create":
                    if (create)
                        prefault = ParseBool(name, value);
                    break;
                case "prefault.at_open":
                    if (!create)
                        prefault = ParseBool(name, value);
                    break;
                case "sds.at_create":
                    sds = ParseBool(name, value);
                    break;
                case "copy_on_write.at_open":
                    cow = ParseBool(name, value);
                    break;
                default:
                    break;
            }
        }
        return new ObjPoolOptions
        {
            Mode = options.Mode,
            PersistenceProvider = options.PersistenceProvider,
            IsPmemForce = options.IsPmemForce,
            Prefault = prefault,
            ShutdownStateAtCreate = sds,
            CopyOnWriteAtOpen = cow,
        };
    }

    /// <summary>Whether a name is consumed by <see cref="ApplyTo"/>.</summary>
    public static bool IsOptionName(string name) => name is "prefault.at_create" or "prefault.at_open" or "sds.at_create" or "copy_on_write.at_open";

    /// <summary>A boolean as PMDK reads it: the first character 1/t/y or 0/f/n, any case. C: <c>ctl_arg_boolean</c>.</summary>
    public static bool ParseBool(string name, string value) => CtlConfigString.ParseBool(name, value);

    /// <summary>An integer, decimal or 0x-hexadecimal. C: <c>ctl_arg_integer</c> (strtoll base 0).</summary>
    public static long ParseInt(string name, string value)
    {
        string v = value.Trim();
        bool neg = v.StartsWith('-');
        string digits = neg ? v[1..] : v;
        bool ok = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long n)
            : long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out n);
        return ok ? (neg ? -n : n) : throw Invalid(name, value, "an integer");
    }

    /// <summary>An allocation class description <c>unit_size,alignment,units_per_block,header</c> (header: none, compact or legacy).</summary>
    public static ObjAllocClassDesc ParseAllocClass(string name, string value)
    {
        string[] f = value.Split(',');
        if (f.Length != 4)
            throw Invalid(name, value, "unit_size,alignment,units_per_block,header_type");
        HeaderType header = f[3].Trim() switch
        {
            "none" => HeaderType.None,
            "compact" => HeaderType.Compact,
            "legacy" => HeaderType.Legacy,
            _ => throw Invalid(name, value, "a header type of none, compact or legacy"),
        };
        long unit = ParseInt(name, f[0]), align = ParseInt(name, f[1]), units = ParseInt(name, f[2]);
        if (unit <= 0 || align < 0 || units <= 0 || units > uint.MaxValue)
            throw Invalid(name, value, "positive unit size and units per block");
        return new ObjAllocClassDesc((ulong)unit, (ulong)align, (uint)units, header, 0);
    }

    internal static PmemException Invalid(string name, string value, string expected) => CtlConfigString.Invalid(name, value, expected);
}

/// <summary>An allocation class. C: <c>struct pobj_alloc_class_desc</c>.</summary>
/// <param name="UnitSize">Bytes per unit.</param>
/// <param name="Alignment">Alignment of the user data (0: none).</param>
/// <param name="UnitsPerBlock">Units a run of the class holds (at least).</param>
/// <param name="Header">Allocation header type.</param>
/// <param name="ClassId">The class id (set by the pool).</param>
public readonly record struct ObjAllocClassDesc(ulong UnitSize, ulong Alignment, uint UnitsPerBlock, HeaderType Header, int ClassId);
