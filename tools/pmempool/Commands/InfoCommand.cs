// pmempool info [-v] [-s] [-H] [-Z] [-C] [-B] FILE (PMDK: tools/pmempool/info.c).
using System.CommandLine;
using Pmdk.PmemPool;

namespace Pmdk.Tools.PmemPool.Commands;

internal static class InfoCommand
{
    public static Command Build()
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "more detail" };
        var stats = new Option<bool>("--stats", "-s") { Description = "print statistics" };
        var heap = new Option<bool>("--heap", "-H") { Description = "obj: print the heap header" };
        var zones = new Option<bool>("--zones", "-Z") { Description = "obj: print the zone headers" };
        var chunks = new Option<bool>("--chunks", "-C") { Description = "obj: print the chunk headers" };
        var backup = new Option<bool>("--backup", "-B") { Description = "blk: print the BTT info backup" };
        var file = new Argument<string>("file");
        var cmd = new Command("info", "Show information about a pool.") { verbose, stats, heap, zones, chunks, backup, file };
        cmd.SetAction(r =>
        {
            try
            {
                var options = new InfoOptions
                {
                    Verbose = r.GetValue(verbose),
                    Stats = r.GetValue(stats),
                    Heap = r.GetValue(heap),
                    Zones = r.GetValue(zones),
                    Chunks = r.GetValue(chunks),
                    Backup = r.GetValue(backup),
                };
                Console.Out.Write(PoolInfo.Describe(r.GetValue(file)!, options));
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
