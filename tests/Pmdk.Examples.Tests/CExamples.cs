// Builds PMDK's small C examples (string_store writer/reader, queue) from the Debian sources as oracles (PMDK: examples/libpmemobj).
using System.Diagnostics;

namespace Pmdk.Examples.Tests;

/// <summary>C example binaries compiled with gcc against the installed libpmemobj; tests fail when they cannot be built.</summary>
public static class CExamples
{
    private const string Examples = "/usr/share/doc/libpmemobj-dev/examples";

    private static readonly Lazy<string> Root = new(() =>
    {
        string root = Path.Combine(Path.GetTempPath(), $"pmdk-cexamples-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        return root;
    });

    private static readonly Lazy<string> WriterBinary = new(() => Build("string_store", "writer.c", "writer"));
    private static readonly Lazy<string> ReaderBinary = new(() => Build("string_store", "reader.c", "reader"));
    private static readonly Lazy<string> QueueBinary = new(() => Build("queue", "queue.c", "queue"));

    /// <summary>string_store/writer.</summary>
    public static string Writer => WriterBinary.Value;

    /// <summary>string_store/reader.</summary>
    public static string Reader => ReaderBinary.Value;

    /// <summary>queue/queue.</summary>
    public static string Queue => QueueBinary.Value;

    private static string Build(string dir, string source, string output)
    {
        string from = Path.Combine(Examples, dir);
        if (!File.Exists(Path.Combine(from, source)))
            throw new InvalidOperationException($"{from}/{source} is missing: install libpmemobj-dev (the C examples are the oracle).");
        string binary = Path.Combine(Root.Value, output);
        var psi = new ProcessStartInfo("gcc") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in (string[])["-O1", "-w", "-include", "errno.h", $"-I{from}", "-o", binary, Path.Combine(from, source), "-lpmemobj"])
            psi.ArgumentList.Add(a);
        using Process gcc = Process.Start(psi) ?? throw new InvalidOperationException("cannot start gcc");
        Task<string> err = gcc.StandardError.ReadToEndAsync();
        gcc.StandardOutput.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0)
            throw new InvalidOperationException($"building C {dir}/{source} failed: {err.Result}");
        return binary;
    }

    /// <summary>Runs a C example and captures its output.</summary>
    public static MapCliResult Run(string binary, string input, params string[] args)
    {
        var psi = new ProcessStartInfo(binary) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {binary}");
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        Task<string> error = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(input);
        p.StandardInput.Close();
        p.WaitForExit();
        return new MapCliResult(p.ExitCode, output.Result, error.Result);
    }
}
