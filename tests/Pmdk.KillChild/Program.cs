// A child process for the kill -9 test: transacts on a pool until it is killed, printing each id after its commit returned (PMDK: none; test support).
using Pmdk.KillChild;
using Pmdk.Obj;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Pmdk.KillChild <pool> <seed>");
    return 2;
}
using ObjPool pool = ObjPool.Open(args[0], KillWorkload.Layout);
var rng = new Random(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
long id = pool.Ref<long>(pool.RootOrNull, KillWorkload.LastTxOffset) + 1;
TextWriter output = Console.Out;
var clock = System.Diagnostics.Stopwatch.StartNew();
bool started = false;
for (int attempt = 0; clock.Elapsed < TimeSpan.FromSeconds(20); attempt++)
{
    if (KillWorkload.Step(pool, id, attempt, rng))
    {
        // Reported only after the commit returned: the parent asserts every reported id survives the kill.
        output.WriteLine(id);
        output.Flush();
        id++;
        if (!started)
        {
            // The first transaction warmed the code up (JIT): the kill window starts now.
            output.WriteLine("started");
            output.Flush();
            started = true;
        }
    }
}
return 0;
