// mapcli: a command-line front end to the persistent maps, pool-compatible with C's mapcli (PMDK: examples/libpmemobj/map/mapcli.c).
using Pmdk.Examples.MapCli;

return MapCliApp.Run(args, Console.In, Console.Out, Console.Error, !Console.IsOutputRedirected);
