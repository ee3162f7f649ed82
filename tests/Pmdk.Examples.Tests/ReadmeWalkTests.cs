// Compiles and runs the README's typed-API program verbatim as a fresh console app, twice (PMDK: none; documentation check).
using System.Diagnostics;
using Pmdk.Testing;

namespace Pmdk.Examples.Tests;

/// <summary>
/// The README walks a new user from an empty console app to a crash-safe structure; this test keeps that program
/// honest: it is cut out of README.md, built against the libraries this test was built with, and run twice on one pool.
/// </summary>
public sealed class ReadmeWalkTests
{
    private const string FirstLine = "using Pmdk.Obj; using Pmdk.Obj.Typed; using Pmdk.Obj.Collections;";

    [Fact]
    public void TypedApiProgramFromReadmeBuildsAndKeepsItsDataAcrossRuns()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        int start = readme.IndexOf(FirstLine, StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md no longer contains the typed-API program");
        string program = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        Assert.Contains("/mnt/pmem/inv.pool", program, StringComparison.Ordinal);

        using var dir = new TempPoolDirectory(PoolBackend.Shm);
        string app = Path.Combine(dir.DirectoryPath, "app");
        Directory.CreateDirectory(app);
        string pool = Path.Combine(dir.DirectoryPath, "inv.pool");
        File.WriteAllText(Path.Combine(app, "Program.cs"), program.Replace("/mnt/pmem/inv.pool", pool, StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(app, "app.csproj"), ProjectFile());

        Run("dotnet", app, "build", "-c", "Release", "-nologo", "-v", "q", "-nodeReuse:false", "-o", Path.Combine(app, "out"));
        string dll = Path.Combine(app, "out", "app.dll");
        Assert.Equal("stock=40 history=1", Run("dotnet", app, dll).Trim());
        Assert.Equal("stock=80 history=2", Run("dotnet", app, dll).Trim());
    }

    private static string ProjectFile()
    {
        string bin = AppContext.BaseDirectory;
        string references = string.Concat(
            ((string[])["Pmdk.Core", "Pmdk.Pmem", "Pmdk.Pool", "Pmdk.Obj", "Pmdk.Obj.Collections"])
            .Select(n => $"    <Reference Include=\"{n}\"><HintPath>{Path.Combine(bin, n + ".dll")}</HintPath></Reference>\n"));
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """;
    }

    private static string Run(string file, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), $"{file} {string.Join(' ', args)} did not finish");
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Pmdk.slnx")))
                return d.FullName;
        }

        throw new InvalidOperationException("Pmdk.slnx not found above " + AppContext.BaseDirectory);
    }
}
