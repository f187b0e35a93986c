using System.Text.Json.Serialization;

namespace Aigis.Bench.Autoscale;

/// <summary>One policy's run of the autoscale simulation.</summary>
internal sealed record AutoscaleResult(
    string Policy,
    int Requests,
    double SloAttainment,
    double TtftP50Ms,
    double TtftP99Ms,
    double ReplicaSeconds,
    int ScaleUps,
    int ScaleDowns,
    int DirectionChanges,
    int Dropped,
    int MaxReplicas)
{
    /// <summary>Gateway requests in flight per ready replica, averaged over control ticks (calibrates targets).</summary>
    public double MeanInFlightPerReplica { get; init; }

    /// <summary>Virtual seconds from the first arrival to the last answer.</summary>
    public double Seconds { get; init; }

    public AutoscaleResultLine ToLine() => new(
        Policy, Requests, Math.Round(SloAttainment, 4), Math.Round(TtftP50Ms, 1), Math.Round(TtftP99Ms, 1), Math.Round(ReplicaSeconds, 1),
        ScaleUps, ScaleDowns, DirectionChanges, Dropped, MaxReplicas);
}

/// <summary>One policy's result as <c>--json</c> prints it: the fields DESIGN.md fixes.</summary>
internal sealed record AutoscaleResultLine(
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("slo_attainment")] double SloAttainment,
    [property: JsonPropertyName("ttft_p50_ms")] double TtftP50Ms,
    [property: JsonPropertyName("ttft_p99_ms")] double TtftP99Ms,
    [property: JsonPropertyName("replica_seconds")] double ReplicaSeconds,
    [property: JsonPropertyName("scale_ups")] int ScaleUps,
    [property: JsonPropertyName("scale_downs")] int ScaleDowns,
    [property: JsonPropertyName("direction_changes")] int DirectionChanges,
    [property: JsonPropertyName("dropped")] int Dropped,
    [property: JsonPropertyName("max_replicas")] int MaxReplicas);

/// <summary>What the autoscale benchmark serializes, without run-time reflection.</summary>
[JsonSerializable(typeof(AutoscaleResultLine))]
internal sealed partial class AutoscaleJsonContext : JsonSerializerContext;
