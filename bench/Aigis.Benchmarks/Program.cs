using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Aigis.Benchmarks.RoutingFieldsBenchmark).Assembly).Run(args);
