namespace Aigis.Core.Resilience;

/// <summary>
/// A service's <c>outlierDetection</c> section: passive health from live traffic, as Envoy's outlier detection does it.
/// An instance that fails <see cref="Consecutive5xx"/> times in a row (or cannot be connected to
/// <see cref="ConsecutiveConnectFailures"/> times in a row) leaves rotation for <see cref="BaseEjectionTime"/> times
/// the number of times it was ejected, at most <see cref="MaxEjectionTime"/>.
/// </summary>
public sealed record OutlierDetectionOptions
{
    /// <summary>Failed answers in a row (5xx, timeouts, broken streams, connect failures) that eject an instance. Envoy's default.</summary>
    public int Consecutive5xx { get; init; } = 5;

    /// <summary>
    /// Connect failures in a row that eject an instance. Lower than <see cref="Consecutive5xx"/>: a refused connection
    /// is a surer sign of a dead replica than an error answer, and it costs every request sent there a retry.
    /// </summary>
    public int ConsecutiveConnectFailures { get; init; } = 3;

    /// <summary>The first ejection's length; the n-th lasts n times this.</summary>
    public TimeSpan BaseEjectionTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>No ejection lasts longer.</summary>
    public TimeSpan MaxEjectionTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Most of a service (in percent of its instances) ejected at once; one instance may always be ejected. Higher
    /// than Envoy's 10: model services run a handful of replicas, where 10% would never allow a second ejection.
    /// </summary>
    public int MaxEjectionPercent { get; init; } = 50;
}
