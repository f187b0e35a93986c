using System.ComponentModel.DataAnnotations;

namespace Aigis.Core.Autoscaling;

/// <summary>Kubernetes HPA's behaviour, with its defaults (autoscaling/v2).</summary>
internal sealed record HpaOptions
{
    [Range(0, 10_000)] public int MinReplicas { get; init; } = 1;

    [Range(1, 10_000)] public int MaxReplicas { get; init; } = 100;

    /// <summary>The per-replica value of the metric to hold (an AverageValue target), e.g. 8 requests in flight.</summary>
    [Range(0.001, 1e9)] public double TargetPerReplica { get; init; } = 8;

    /// <summary>No change while the metric is within this fraction of the target (the controller's --horizontal-pod-autoscaler-tolerance).</summary>
    [Range(0.0, 1.0)] public double Tolerance { get; init; } = 0.1;

    /// <summary>The sync period (--horizontal-pod-autoscaler-sync-period).</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan ScaleUpStabilization { get; init; } = TimeSpan.Zero;

    public TimeSpan ScaleDownStabilization { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Scale up by at most the larger of this percentage and <see cref="ScaleUpPods"/> per <see cref="RatePeriod"/>.</summary>
    [Range(0, 10_000)] public int ScaleUpPercent { get; init; } = 100;

    [Range(0, 10_000)] public int ScaleUpPods { get; init; } = 4;

    /// <summary>Scale down by at most this percentage per <see cref="RatePeriod"/>.</summary>
    [Range(0, 100)] public int ScaleDownPercent { get; init; } = 100;

    public TimeSpan RatePeriod { get; init; } = TimeSpan.FromSeconds(15);

    public IReadOnlyList<string> Problems() => OptionsCheck.Problems(this, MinReplicas, MaxReplicas, Period, ScaleUpStabilization, ScaleDownStabilization, RatePeriod);
}
