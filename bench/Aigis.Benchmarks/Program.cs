using Aigis.Benchmarks.Calibration;
using BenchmarkDotNet.Running;

if (args is ["redis-roundtrip", var endpoint])
{
    return await Aigis.Benchmarks.RedisLimitRoundTrip.RunAsync(endpoint, Console.Out);
}

if (args is ["calibrate", ..])
{
    return SimulatorCalibration.Run(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(Aigis.Benchmarks.RoutingFieldsBenchmark).Assembly).Run(args);
return 0;
