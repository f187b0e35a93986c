using System.Text.Json.Serialization;

namespace Aigis.Serialization;

/// <summary>One instance's admission state in <c>GET /admin/v1/admission</c>.</summary>
internal sealed record InstanceAdmissionView(
    string Service,
    string Instance,
    string Algorithm,
    int Limit,
    int InFlight,
    QueueView Queue,
    double RecentRttMs);

/// <summary>The queue before an instance's limit: how many wait now (in all and by priority) and its bounds.</summary>
internal sealed record QueueView(int Queued, int MaxSize, double MaxWaitMs, int High, int Normal, int Low);

internal sealed record AdmissionList(string Object, IReadOnlyList<InstanceAdmissionView> Data);

/// <summary>The admission view's payloads, snake_case like the rest of the admin API, without reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AdmissionList))]
internal sealed partial class AdmissionJsonContext : JsonSerializerContext;
