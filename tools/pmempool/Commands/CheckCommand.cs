// pmempool check [-r] [-y] [-d] [-a] [-v] [-q] FILE with PMDK's exit codes (PMDK: tools/pmempool/check.c).
using System.CommandLine;
using Pmdk.PmemPool;

namespace Pmdk.Tools.PmemPool.Commands;

internal static class CheckCommand
{
    public static Command Build()
    {
        var repair = new Option<bool>("--repair", "-r") { Description = "try to repair the pool" };
        var yes = new Option<bool>("--yes", "-y") { Description = "answer yes to every question" };
        var dry = new Option<bool>("--dry-run", "-d") { Description = "do not write anything" };
        var advanced = new Option<bool>("--advanced", "-a") { Description = "advanced repairs" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "print the check steps" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "print nothing" };
        var file = new Argument<string>("file");
        var cmd = new Command("check", "Check (and repair) a pool.") { repair, yes, dry, advanced, verbose, quiet, file };
        cmd.SetAction(r =>
        {
            string path = r.GetValue(file)!;
            bool fix = r.GetValue(repair);
            if (fix && !r.GetValue(yes) && !r.GetValue(dry))
            {
                Console.Out.Write("repair the pool? [Y/n] ");
                string? answer = Console.In.ReadLine();
                fix = answer is not null && (answer.Length == 0 || answer.StartsWith('y') || answer.StartsWith('Y'));
            }
            CheckReport report = PoolCheck.Run(path, new CheckOptions { Repair = fix, DryRun = r.GetValue(dry), Advanced = r.GetValue(advanced) });
            bool v = r.GetValue(verbose), q = r.GetValue(quiet);
            if (!q)
            {
                foreach (CheckMessage m in report.Messages)
                {
                    if (m.IsError || v)
                        Console.Out.WriteLine(report.Status == CheckStatus.Error && m.IsError ? $"error: {m.Text}" : m.Text);
                }
                string? summary = report.Status switch
                {
                    CheckStatus.Consistent => v ? $"{path}: consistent" : null,
                    CheckStatus.NotConsistent => $"{path}: not consistent",
                    CheckStatus.Repaired => $"{path}: repaired",
                    CheckStatus.CannotRepair => $"{path}: cannot repair",
                    _ => fix ? "repairing failed" : "checking consistency failed",
                };
                if (summary is not null)
                    Console.Out.WriteLine(summary);
            }
            return report.ExitCode;
        });
        return cmd;
    }
}
