using System.Text.Json.Serialization;

namespace Aigis.Serialization;

/// <summary>
/// <c>POST /admin/v1/tenants</c> (every field but <c>name</c> optional) and <c>PATCH /admin/v1/tenants/{name}</c>
/// (a field present replaces the tenant's; absent ones stay). Unknown fields are refused.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record TenantRequest
{
    public string? Name { get; init; }

    public IReadOnlyList<string>? Services { get; init; }

    public IReadOnlyList<string>? Models { get; init; }

    public string? Role { get; init; }

    public string? Priority { get; init; }

    /// <summary>Replaces all the tenant-wide limits; a limit left out or null is no limit.</summary>
    public LimitsBody? Limits { get; init; }

    /// <summary>Replaces all the per-key limits.</summary>
    public LimitsBody? KeyLimits { get; init; }

    /// <summary>Replaces the budget; <c>{"usd": null}</c> removes it.</summary>
    public BudgetBody? Budget { get; init; }

    public BudgetBody? KeyBudget { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record LimitsBody
{
    public long? RequestsPerMinute { get; init; }

    public long? TokensPerMinute { get; init; }

    public long? TokensPerDay { get; init; }

    public long? ConcurrentRequests { get; init; }
}

/// <summary>A budget in US dollars per <c>day</c> or <c>month</c> (UTC).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record BudgetBody
{
    public decimal? Usd { get; init; }

    public string? Period { get; init; }
}

internal sealed record TenantView(
    string Name,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Models,
    string Role,
    string Priority,
    LimitsBody Limits,
    LimitsBody KeyLimits,
    BudgetBody? Budget,
    BudgetBody? KeyBudget,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string CreatedBy);

internal sealed record TenantList(string Object, IReadOnlyList<TenantView> Data, string? NextCursor = null);
