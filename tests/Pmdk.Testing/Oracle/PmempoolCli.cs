// Runs Debian's /usr/bin/pmempool (PMDK 1.12.1) for oracle tests (PMDK: tools/pmempool).
using System.Diagnostics;

namespace Pmdk.Testing.Oracle;

/// <summary>The result of one <c>pmempool</c> run.</summary>
/// <param name="ExitCode">Process exit code.</param>
/// <param name="Output">stdout and stderr, concatenated.</param>
public sealed record CliResult(int ExitCode, string Output);

/// <summary>Runs Debian's <c>pmempool</c>; throws when it is not installed (oracle tests fail, never skip).</summary>
public static class PmempoolCli
{
    /// <summary>Path of the C tool.</summary>
    public const string Path = "/usr/bin/pmempool";

    /// <summary>Runs <c>pmempool args…</c> with an optional extra environment.</summary>
    public static CliResult Run(IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        if (!File.Exists(Path))
            throw new InvalidOperationException($"{Path} is missing: install Debian's pmdk-tools (the oracle).");
        var psi = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["TZ"] = "UTC";
        if (env is not null)
        {
            foreach (var (k, v) in env)
                psi.Environment[k] = v;
        }
        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return new CliResult(p.ExitCode, output + err.Result);
    }

    /// <summary>Runs <c>pmempool args…</c>.</summary>
    public static CliResult Run(params string[] args) => Run(null, args);
}
