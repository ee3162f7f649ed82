// pmempool check [-r] [-y] [-d] [-a] [-b BACKUP] [-v] [-q] FILE with PMDK's exit codes (PMDK: tools/pmempool/check.c).
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
        var backup = new Option<string>("--backup", "-b") { Description = "create a backup of the pool before repairing it" };
        var file = new Argument<string>("file");
        var cmd = new Command("check", "Check (and repair) a pool.") { repair, yes, dry, advanced, backup, verbose, quiet, file };
        cmd.SetAction(r =>
        {
            string path = r.GetValue(file)!;
            bool fix = r.GetValue(repair);
            string? backupPath = r.GetValue(backup);
            if (backupPath is not null)
            {
                if (!fix)
                    return ToolOutput.Fail("'-b' option requires '-r'");
                if (r.GetValue(dry))
                {
                    ToolOutput.Fail("Invalid argument"); // libpmempool refuses a backup in a dry run (EINVAL)
                    return ToolOutput.Fail("repairing failed");
                }
                if (!r.GetValue(yes) && File.Exists(backupPath) && !Pmdk.Pool.PoolSet.IsPoolSetFile(backupPath))
                {
                    Console.Out.Write("destination of the backup already exists. Do you want to overwrite it? [Y/n] ");
                    string? answer = Console.In.ReadLine();
                    if (answer is null || (answer.Length != 0 && !answer.StartsWith('y') && !answer.StartsWith('Y')))
                    {
                        Console.Out.WriteLine("cannot complete repair, reverting changes");
                        Console.Out.WriteLine($"{path}: not consistent");
                        return 1;
                    }
                }
            }
            if (fix && !r.GetValue(yes) && !r.GetValue(dry))
            {
                Console.Out.Write("repair the pool? [Y/n] ");
                string? answer = Console.In.ReadLine();
                fix = answer is not null && (answer.Length == 0 || answer.StartsWith('y') || answer.StartsWith('Y'));
            }
            CheckReport report = PoolCheck.Run(path, new CheckOptions
            {
                Repair = fix,
                DryRun = r.GetValue(dry),
                Advanced = r.GetValue(advanced),
                BackupPath = backupPath,
            });
            bool v = r.GetValue(verbose), q = r.GetValue(quiet);
            if (!q)
            {
                // A failed check (status Error) reports its cause like Debian's tool: "error: …" lines on stderr.
                foreach (CheckMessage m in report.Messages)
                {
                    if (report.Status == CheckStatus.Error && m.IsError && !m.IsStatusLine)
                        Console.Error.WriteLine($"error: {m.Text}");
                    else if (m.IsError || v)
                        Console.Out.WriteLine(m.Text);
                }
                string? summary = report.Status switch
                {
                    CheckStatus.Consistent => v ? $"{path}: consistent" : null,
                    CheckStatus.NotConsistent => $"{path}: not consistent",
                    CheckStatus.Repaired => $"{path}: repaired",
                    CheckStatus.CannotRepair => $"{path}: cannot repair",
                    _ => fix ? "repairing failed" : "checking consistency failed",
                };
                if (report.Status == CheckStatus.Error)
                    Console.Error.WriteLine($"error: {summary}");
                else if (summary is not null)
                    Console.Out.WriteLine(summary);
            }
            return report.ExitCode;
        });
        return cmd;
    }
}
