// pmempool rm [-f] [-s] [-v] FILE... (PMDK: tools/pmempool/rm.c).
using System.CommandLine;
using Pmdk.PmemPool;

namespace Pmdk.Tools.PmemPool.Commands;

internal static class RmCommand
{
    public static Command Build()
    {
        var force = new Option<bool>("--force", "-f") { Description = "ignore missing files" };
        var onlyPools = new Option<bool>("--only-pools", "-s") { Description = "keep pool set files" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "print removed files" };
        var files = new Argument<string[]>("files") { Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("rm", "Remove pool files or all parts of pool sets.") { force, onlyPools, verbose, files };
        cmd.SetAction(r =>
        {
            int rc = 0;
            foreach (string f in r.GetValue(files)!)
            {
                try
                {
                    foreach (string removed in PoolRemove.Remove(f, r.GetValue(force), r.GetValue(onlyPools)))
                    {
                        if (r.GetValue(verbose))
                            Console.Out.WriteLine($"removing '{removed}'");
                    }
                }
                catch (PmemException e)
                {
                    rc = ToolOutput.Fail(e.Message);
                }
            }
            return rc;
        });
        return cmd;
    }
}
