using System.Text.Json.Serialization;

namespace Aigis.Serialization;

/// <summary>A service in <c>GET /admin/v1/services</c>: what it is, how it routes, and its instances' state in sum.</summary>
/// <param name="Balancer">The routing policy that picks an instance.</param>
/// <param name="DesiredReplicas">Replicas the config asks the deployer for; null for static services.</param>
internal sealed record ServiceSummary(
    string Name,
    string Kind,
    string Runtime,
    IReadOnlyList<string> Models,
    string Balancer,
    bool Admission,
    IReadOnlyList<string> Fallback,
    int? DesiredReplicas,
    int Instances,
    int HealthyInstances,
    int InFlight);

internal sealed record ServiceList(string Object, IReadOnlyList<ServiceSummary> Data, string? NextCursor = null);

/// <summary><c>GET /admin/v1/services/{name}</c>: the summary, each instance's live state and each replica the deployer runs.</summary>
internal sealed record ServiceDetail(ServiceSummary Service, IReadOnlyList<InstanceView> Instances, IReadOnlyList<ReplicaView> Replicas);

/// <summary>A replica the deployer runs for a <c>runtime: process</c> service.</summary>
internal sealed record ReplicaView(
    string Service,
    string Name,
    int Index,
    string State,
    string? Url,
    int? ProcessId,
    int Restarts,
    int? LastExitCode,
    string? LastFailure,
    DateTimeOffset Since,
    DateTimeOffset? NextStartAt);

internal sealed record ReplicaList(string Object, IReadOnlyList<ReplicaView> Data, string? NextCursor = null);

/// <summary>One subject's usage on one UTC day, in <c>GET /admin/v1/usage</c>.</summary>
internal sealed record UsageDay(string Tenant, DateTimeOffset Day, long Requests, long PromptTokens, long CompletionTokens, decimal Spend);

internal sealed record UsageList(string Object, IReadOnlyList<UsageDay> Data, string? NextCursor = null);

/// <summary>
/// <c>GET /admin/v1/config</c>: where the running config came from, when it was applied, the last reload attempt's
/// result and what the last applied change changed.
/// </summary>
internal sealed record ConfigStatus(string? Path, DateTimeOffset LoadedAt, string? Sha256, int Services, ReloadView? LastReload, IReadOnlyList<ConfigChangeView> LastChange);

/// <summary>A reload attempt: applied or refused, its problems, keys that need a restart.</summary>
internal sealed record ReloadView(DateTimeOffset At, bool Applied, IReadOnlyList<string> Errors, IReadOnlyList<string> NeedsRestart);

/// <summary>One changed setting, by its path in the YAML (<c>services[chat].process.replicas</c>); null for absent.</summary>
internal sealed record ConfigChangeView(string Path, string Change, string? Before, string? After);

/// <summary><c>POST /admin/v1/config/diff</c>: what a reload of the posted YAML would change, or why it would be refused.</summary>
internal sealed record ConfigDiffView(bool Valid, IReadOnlyList<string> Errors, IReadOnlyList<ConfigChangeView> Changes);

/// <summary>The operator views' payloads, snake_case like the rest of the admin API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ServiceList))]
[JsonSerializable(typeof(ServiceDetail))]
[JsonSerializable(typeof(ReplicaList))]
[JsonSerializable(typeof(UsageList))]
[JsonSerializable(typeof(ConfigStatus))]
[JsonSerializable(typeof(ConfigDiffView))]
internal sealed partial class OperatorJsonContext : JsonSerializerContext;

/// <summary>A tenant's or key's live limits in <c>GET /admin/v1/limits</c>: each window's count and reset, requests in flight.</summary>
internal sealed record LimitView(string Scope, string Subject, int InFlight, long? ConcurrencyLimit, IReadOnlyList<LimitWindowView> Windows);

/// <summary>One window: what it counts, its limit, what is used and left, and when it starts over.</summary>
internal sealed record LimitWindowView(string Kind, long Limit, long Used, long Remaining, DateTimeOffset ResetsAt);

internal sealed record LimitList(string Object, IReadOnlyList<LimitView> Data, string? NextCursor = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(LimitList))]
internal sealed partial class LimitJsonContext : JsonSerializerContext;
