// pmempool info [-v] FILE (PMDK: tools/pmempool/info.c).
using System.CommandLine;
using Pmdk.PmemPool;

namespace Pmdk.Tools.PmemPool.Commands;

internal static class InfoCommand
{
    public static Command Build()
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "more detail" };
        var file = new Argument<string>("file");
        var cmd = new Command("info", "Show information about a pool.") { verbose, file };
        cmd.SetAction(r =>
        {
            try
            {
                Console.Out.Write(PoolInfo.Describe(r.GetValue(file)!));
                return 0;
            }
            catch (PmemException e)
            {
                return ToolOutput.Fail(e.Message);
            }
        });
        return cmd;
    }
}
