namespace Aigis.Core.Identity;

/// <summary>
/// A tenant: who it is, what it may use, how its requests rank, and what holds it back. Keys belong to
/// exactly one tenant and act within it.
/// </summary>
public sealed record TenantDefinition
{
    /// <summary>The tenant a key gets when none is named; made by the store's first migration, allowed everything.</summary>
    public const string DefaultName = "default";

    public required string Name { get; init; }

    /// <summary>Service names and globs the tenant may call at <c>/svc/NAME/</c>.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Model names and globs the tenant may call through the OpenAI endpoints and see in <c>/v1/models</c>.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>The highest role its keys may have: a <c>user</c> tenant's admin key acts as a user key.</summary>
    public KeyRole Role { get; init; } = KeyRole.User;

    public TenantPriority Priority { get; init; } = TenantPriority.Normal;

    /// <summary>Limits on all the tenant's keys together.</summary>
    public TenantLimits Limits { get; init; } = TenantLimits.None;

    /// <summary>Limits each of the tenant's keys gets on its own.</summary>
    public TenantLimits KeyLimits { get; init; } = TenantLimits.None;

    public TenantBudget? Budget { get; init; }

    /// <summary>The budget each key gets on its own.</summary>
    public TenantBudget? KeyBudget { get; init; }

    /// <summary>Same definition, lists compared by content (the record's own equality compares list references).</summary>
    public bool SameAs(TenantDefinition other) =>
        this with { Services = other.Services, Models = other.Models } == other
        && Services.SequenceEqual(other.Services, StringComparer.Ordinal)
        && Models.SequenceEqual(other.Models, StringComparer.Ordinal);

    /// <summary>1 to 63 letters, digits, <c>-</c>, <c>_</c> or <c>.</c>: it appears in URLs, the audit log and metrics.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: >= 1 and <= 63 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

public static class TenantPriorities
{
    public static readonly string[] All = ["low", "normal", "high"];

    public static string Name(TenantPriority priority) => priority switch
    {
        TenantPriority.Low => "low",
        TenantPriority.High => "high",
        _ => "normal",
    };

    public static bool TryParse(string? text, out TenantPriority priority)
    {
        switch (text)
        {
            case "low":
                priority = TenantPriority.Low;
                return true;
            case "normal":
                priority = TenantPriority.Normal;
                return true;
            case "high":
                priority = TenantPriority.High;
                return true;
            default:
                priority = default;
                return false;
        }
    }
}
