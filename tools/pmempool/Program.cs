// Entry point of the pmempool tool: one subcommand per file, logic in Pmdk.PmemPool (PMDK: tools/pmempool/pmempool.c).
using System.CommandLine;
using Pmdk.Tools.PmemPool.Commands;

var root = new RootCommand("Manage PMDK persistent memory pools (PMDK 1.12.1 compatible).")
{
    CreateCommand.Build(),
    InfoCommand.Build(),
    CheckCommand.Build(),
    RmCommand.Build(),
    DumpCommand.Build(),
};
return root.Parse(args).Invoke();
