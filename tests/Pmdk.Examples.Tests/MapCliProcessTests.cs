// Our mapcli as a real process (stdin/stdout redirected, no prompt) gives the same output as C's mapcli (PMDK: mapcli.c main).
using System.Diagnostics;
using Pmdk.Examples.MapCli;
using Pmdk.Testing;

namespace Pmdk.Examples.Tests;

public class MapCliProcessTests
{
    private static MapCliResult RunDll(string script, params string[] args)
    {
        string dll = Path.Combine(Path.GetDirectoryName(typeof(MapCliApp).Assembly.Location)!, "mapcli.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        Task<string> error = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        p.WaitForExit();
        return new MapCliResult(p.ExitCode, output.Result, error.Result);
    }

    [Fact]
    public void The_executable_reads_stdin_and_matches_C()
    {
        using var dir = new TempPoolDirectory();
        string script = "i 4\ni 2\nn 5\np\nc 2\nr 2\nx\np\nq\ni 9\n";
        MapCliResult ours = RunDll(script, "hashmap_tx", dir.File("o.pool"), "21");
        MapCliResult c = MapCliRunner.C(script, "hashmap_tx", dir.File("c.pool"), "21");
        Assert.Equal(0, ours.ExitCode);
        Assert.Equal(c.Output, ours.Output);
        Assert.Equal(c.Error, ours.Error);
        Assert.Equal(MapCliRunner.C("p\n", "hashmap_tx", dir.File("c.pool")).Output, MapCliRunner.C("p\n", "hashmap_tx", dir.File("o.pool")).Output);
    }
}
