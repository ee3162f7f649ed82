// Runs our pmempool tool in a child process, like Debian's is run (PMDK: tools/pmempool).
using System.Diagnostics;
using Pmdk.Testing.Oracle;

namespace Pmdk.Tools.Tests;

internal static class ToolRunner
{
    /// <summary>Runs <c>dotnet Pmdk.Tools.PmemPool.dll args…</c> with TZ=UTC; stdout then stderr.</summary>
    public static CliResult RunOurs(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Pmdk.Tools.PmemPool.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["TZ"] = "UTC";
        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return new CliResult(p.ExitCode, output + err.Result);
    }

    /// <summary>Overwrites bytes of a file.</summary>
    public static void Poke(string path, long offset, ReadOnlySpan<byte> bytes)
    {
        using var fs = new FileStream(path, FileMode.Open);
        fs.Position = offset;
        fs.Write(bytes);
    }

    public static ulong PeekU64(string path, long offset)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read);
        byte[] b = new byte[8];
        fs.Position = offset;
        fs.ReadExactly(b);
        return BitConverter.ToUInt64(b);
    }
}
