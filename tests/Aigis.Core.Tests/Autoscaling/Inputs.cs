using Aigis.Core.Autoscaling;

namespace Aigis.Core.Tests.Autoscaling;

/// <summary>Autoscaler inputs for tests: ready replicas with the given in-flight counts (null: no metrics).</summary>
internal static class Inputs
{
    public static AutoscalerInput Ready(params double?[] inFlight) => new()
    {
        Replicas = inFlight.Length,
        Samples = [.. inFlight.Select(f => new ReplicaSample(true, f, f is null ? null : 0))],
    };

    public static AutoscalerInput WithRate(double rate, params double?[] inFlight) => Ready(inFlight) with { ArrivalsPerSecond = rate };
}
