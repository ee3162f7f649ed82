// Runs a mapcli command script through our port (in-process) or C's mapcli (a process) and captures the output (PMDK: mapcli.c).
using System.Diagnostics;
using Pmdk.Examples.MapCli;

namespace Pmdk.Examples.Tests;

/// <summary>What one mapcli run printed.</summary>
public sealed record MapCliResult(int ExitCode, string Output, string Error);

/// <summary>Runs mapcli scripts.</summary>
public static class MapCliRunner
{
    /// <summary>Runs our mapcli in-process with the given arguments and standard input.</summary>
    public static MapCliResult Ours(string script, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = MapCliApp.Run(args, new StringReader(script), output, error, interactive: false);
        return new MapCliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs C's mapcli with the given arguments and standard input.</summary>
    public static MapCliResult C(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(CMapCli.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the C mapcli");
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        Task<string> error = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        p.WaitForExit();
        return new MapCliResult(p.ExitCode, output.Result, error.Result);
    }
}
