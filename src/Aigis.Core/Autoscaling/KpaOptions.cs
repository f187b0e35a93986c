using System.ComponentModel.DataAnnotations;

namespace Aigis.Core.Autoscaling;

/// <summary>Knative's KPA, with its defaults (config-autoscaler).</summary>
internal sealed record KpaOptions
{
    [Range(0, 10_000)] public int MinReplicas { get; init; } = 1;

    [Range(1, 10_000)] public int MaxReplicas { get; init; } = 100;

    /// <summary>Requests in flight per replica to aim at (container-concurrency-target x target utilization).</summary>
    [Range(0.001, 1e9)] public double TargetPerReplica { get; init; } = 8;

    /// <summary>The tick (Knative decides every 2 s).</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan StableWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The panic window, 10% of the stable window by default.</summary>
    public TimeSpan PanicWindow { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Panic when the panic window asks for this multiple of the ready replicas (200%).</summary>
    [Range(1.0, 1000.0)] public double PanicThreshold { get; init; } = 2.0;

    [Range(1.0, 1e6)] public double MaxScaleUpRate { get; init; } = 1000;

    [Range(1.0, 1e6)] public double MaxScaleDownRate { get; init; } = 2;

    /// <summary>With <see cref="MinReplicas"/> 0: how long without traffic before the last replica goes.</summary>
    public TimeSpan ScaleToZeroGrace { get; init; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<string> Problems()
    {
        var problems = OptionsCheck.Problems(this, MinReplicas, MaxReplicas, Period, StableWindow, PanicWindow, ScaleToZeroGrace).ToList();
        if (PanicWindow > StableWindow)
        {
            problems.Add("PanicWindow must not be longer than StableWindow");
        }

        return problems;
    }
}
