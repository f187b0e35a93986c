using System.Text.Json.Serialization;

namespace Aigis.Serialization;

/// <summary><c>POST /admin/v1/keys</c>. Unknown fields are refused, so a typo never silently drops an expiry.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record CreateKeyRequest
{
    public string? Name { get; init; }

    public string? Tenant { get; init; }

    public string? Role { get; init; }

    /// <summary>A duration such as <c>30d</c>; none means the key never expires.</summary>
    public string? ExpiresIn { get; init; }
}

/// <summary><c>POST /admin/v1/keys/{id}/rotate</c>; the body is optional.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RotateKeyRequest
{
    /// <summary>How long the old key stays valid, e.g. <c>1h</c> (the default); <c>0s</c> ends it at once.</summary>
    public string? Overlap { get; init; }
}

/// <summary>A key as listed: never its secret or hash.</summary>
internal sealed record KeyView(
    string Id,
    string Name,
    string Tenant,
    string Role,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? ReplacedBy,
    string? Replaces,
    string CreatedBy);

/// <summary>The answer to a creation or rotation: the only time the whole key is ever shown.</summary>
internal sealed record CreatedKeyView(string Key, KeyView Details, KeyView? Replaced);

internal sealed record KeyList(string Object, IReadOnlyList<KeyView> Data, string? NextCursor = null);

internal sealed record AuditEntry(
    long Id,
    DateTimeOffset At,
    string Action,
    string Outcome,
    string Actor,
    string? Subject,
    string? Reason,
    string? RequestId,
    string? Client,
    string? Detail);

internal sealed record AuditList(string Object, IReadOnlyList<AuditEntry> Data, string? NextCursor = null);

/// <summary>One instance's health in <c>GET /admin/v1/instances</c>.</summary>
/// <param name="Healthy">Whether the request path may pick it now (all of the below allow it).</param>
/// <param name="ActiveHealthy">The verdict of its active health checks (true when the service has none).</param>
/// <param name="Breaker">closed, open or half_open.</param>
/// <param name="PrefillOwed">Prompt blocks (128 bytes each) sent to it and not yet answered with a first byte.</param>
/// <param name="Scraped">What its last metrics scrape said (vLLM's gauges); null before the first or for services without one.</param>
/// <param name="Admission">Its adaptive concurrency limit and queue; null when the service has no admission or it was never sent a request.</param>
internal sealed record InstanceView(
    string Service,
    string Id,
    string Url,
    bool Healthy,
    bool ActiveHealthy,
    bool Ejected,
    DateTimeOffset? EjectedUntil,
    int EjectionCount,
    string Breaker,
    DateTimeOffset? BreakerOpenUntil,
    int InFlight,
    long PrefillOwed,
    ScrapedLoadView? Scraped = null,
    InstanceAdmissionSummary? Admission = null);

/// <summary>An instance's last scraped load: requests waiting and running in its engine, and its KV cache use (0 to 1).</summary>
internal sealed record ScrapedLoadView(double Waiting, double Running, double KvCacheUsage, double AgeSeconds);

/// <summary>An instance's admission now: its concurrency limit, in flight under it, and queued for it.</summary>
internal sealed record InstanceAdmissionSummary(int Limit, int InFlight, int Queued);

internal sealed record InstanceList(string Object, IReadOnlyList<InstanceView> Data, string? NextCursor = null);

/// <summary>
/// The admin API's payloads, in snake_case like the public API's, serialized without reflection. The CLI reads
/// answers with the same types; fields it does not know (from a newer aigis) are ignored there.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(RotateKeyRequest))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(CreatedKeyView))]
[JsonSerializable(typeof(KeyList))]
[JsonSerializable(typeof(AuditList))]
[JsonSerializable(typeof(TenantRequest))]
[JsonSerializable(typeof(TenantView))]
[JsonSerializable(typeof(TenantList))]
[JsonSerializable(typeof(InstanceList))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
