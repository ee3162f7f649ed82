// BenchmarkDotNet entry point: `dotnet run -c Release --project bench/Pmdk.Benchmarks -- --filter '*Persist*'`.
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Pmdk.Benchmarks.PersistBenchmarks).Assembly).Run(args);
