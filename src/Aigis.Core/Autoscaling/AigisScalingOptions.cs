using System.ComponentModel.DataAnnotations;

namespace Aigis.Core.Autoscaling;

/// <summary>The <c>aigis</c> policy's settings.</summary>
internal sealed record AigisScalingOptions
{
    [Range(0, 10_000)] public int MinReplicas { get; init; } = 1;

    [Range(1, 10_000)] public int MaxReplicas { get; init; } = 100;

    /// <summary>Requests in flight per replica it starts out believing a replica holds within the SLO; it learns from there.</summary>
    [Range(0.001, 1e9)] public double TargetPerReplica { get; init; } = 8;

    /// <summary>
    /// Requests per second a replica serves within the SLO, the same operating point as <see cref="TargetPerReplica"/>
    /// seen as a rate (which queueing does not inflate); 0 when unknown: then it scales on requests in flight only.
    /// </summary>
    [Range(0.0, 1e9)] public double RatePerReplica { get; init; }

    /// <summary>
    /// Replicas never go below what the highest level of the last ten minutes needs at this multiple of
    /// <see cref="RatePerReplica"/>: load that peaked recently tends to come back, and a replica near saturation
    /// still meets the SLO while others start. 1.4 x a rate at 70% of saturation is about 98% of it.
    /// </summary>
    [Range(1.0, 10.0)] public double RecentPeakUtilization { get; init; } = 1.4;

    /// <summary>The time-to-first-token objective.</summary>
    [Range(1.0, 1e7)] public double SloTtftMs { get; init; } = 500;

    /// <summary>How long a new replica takes to serve: the policy provisions for the load it forecasts this far ahead.</summary>
    public TimeSpan ColdStart { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A scale-down needs every recommendation of this window to agree (and one replica goes at a time).</summary>
    public TimeSpan ScaleDownWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Scale down only when the rest would run at most this fraction of what they hold: the hysteresis band.</summary>
    [Range(0.1, 1.0)] public double ScaleDownUtilization { get; init; } = 0.85;

    /// <summary>With <see cref="MinReplicas"/> 0: how long without traffic before the last replica goes.</summary>
    public TimeSpan ScaleToZeroGrace { get; init; } = TimeSpan.FromSeconds(60);

    public IReadOnlyList<string> Problems() => OptionsCheck.Problems(this, MinReplicas, MaxReplicas, Period, ColdStart, ScaleDownWindow, ScaleToZeroGrace);
}
