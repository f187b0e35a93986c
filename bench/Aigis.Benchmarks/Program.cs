using Aigis.Benchmarks.Calibration;
using BenchmarkDotNet.Running;

if (args is ["calibrate", ..])
{
    return SimulatorCalibration.Run(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(Aigis.Benchmarks.RoutingFieldsBenchmark).Assembly).Run(args);
return 0;
