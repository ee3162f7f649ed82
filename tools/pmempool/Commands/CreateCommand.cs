// pmempool create [-s size|-M] [-w] [-m mode] [-l layout] [-f] blk|log|obj [bsize] FILE (PMDK: tools/pmempool/create.c).
using System.CommandLine;
using System.Globalization;
using Pmdk.PmemPool;
using Pmdk.Pool;

namespace Pmdk.Tools.PmemPool.Commands;

internal static class CreateCommand
{
    public static Command Build()
    {
        var size = new Option<string?>("--size", "-s") { Description = "pool size (suffixes K, M, G, T, KiB, MB, …)" };
        var maxSize = new Option<bool>("--max-size", "-M") { Description = "use the space available on the file system" };
        var write = new Option<bool>("--write-layout", "-w") { Description = "blk: write the BTT layout now" };
        var mode = new Option<string?>("--mode", "-m") { Description = "octal file mode (default 0664)" };
        var layout = new Option<string?>("--layout", "-l") { Description = "obj: layout name stored in the pool" };
        var force = new Option<bool>("--force", "-f") { Description = "remove the pool first" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "print what is created" };
        var type = new Argument<string>("type") { Description = "blk, log or obj" };
        var operands = new Argument<string[]>("args") { Description = "[bsize] FILE", Arity = new ArgumentArity(1, 2) };
        var cmd = new Command("create", "Create a pool.") { size, maxSize, write, mode, layout, force, verbose, type, operands };
        cmd.SetAction(r =>
        {
            string[] ops = r.GetValue(operands)!;
            string t = r.GetValue(type)!;
            string file = ops[^1];
            try
            {
                ulong bytes = 0;
                if (r.GetValue(size) is { } s)
                    bytes = PoolSet.ParseSize(s) ?? throw new PmemException(PmemErrorCode.InvalidArgument, $"invalid size value specified '{s}'");
                ulong bsize = 0;
                if (ops.Length == 2 && (!ulong.TryParse(ops[0], NumberStyles.None, CultureInfo.InvariantCulture, out bsize) || bsize == 0))
                    return ToolOutput.Fail($"invalid block size '{ops[0]}'");
                var m = (UnixFileMode)0b110_110_100;
                if (r.GetValue(mode) is { } ms)
                {
                    try
                    {
                        m = (UnixFileMode)Convert.ToInt32(ms, 8);
                    }
                    catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
                    {
                        return ToolOutput.Fail($"invalid mode value specified '{ms}'");
                    }
                }
                if (r.GetValue(force) && File.Exists(file))
                    PoolRemove.Remove(file, force: true);
                if (r.GetValue(maxSize))
                    bytes = PoolCreate.MaxSize(file);
                if (r.GetValue(verbose))
                    Console.Out.WriteLine($"Creating pool: {file}");
                PoolCreate.Create(t, file, bytes, m, bsize, r.GetValue(write), r.GetValue(layout));
                return 0;
            }
            catch (PmemException e)
            {
                ToolOutput.Fail(e.Message);
                return ToolOutput.Fail("creating pool file failed");
            }
        });
        return cmd;
    }
}
