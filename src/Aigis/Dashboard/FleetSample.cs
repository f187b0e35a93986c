using System.Text.Json.Serialization;

namespace Aigis.Dashboard;

/// <summary>One service at one moment, as the dashboard's overview shows it. Rates are over the last few seconds.</summary>
internal sealed record ServicePoint(
    string Name,
    string Kind,
    int Instances,
    int Healthy,
    int InFlight,
    double RequestsPerSecond,
    double? ErrorRatio,
    double RefusedPerSecond,
    double? TtftP50Ms,
    double? TtftP99Ms,
    double TokensPerSecond,
    double? CacheHitRate,
    long RequestsTotal);

/// <summary>The fleet at one moment: what the dashboard's one event stream sends each second.</summary>
internal sealed record FleetSample(DateTimeOffset At, IReadOnlyList<ServicePoint> Services, int AlertsFiring, double RequestsPerSecond, double TokensPerSecond);

/// <summary>The first message of a stream: the recent past, so charts start full.</summary>
internal sealed record FleetHistoryMessage(IReadOnlyList<FleetSample> Samples);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FleetSample))]
[JsonSerializable(typeof(FleetHistoryMessage))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
