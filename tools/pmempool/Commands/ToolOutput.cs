// Error printing shared by the pmempool commands (PMDK: tools/pmempool/output.c).
namespace Pmdk.Tools.PmemPool.Commands;

internal static class ToolOutput
{
    /// <summary>Prints <c>error: …</c> to stderr and returns the failure exit code 1.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }
}
