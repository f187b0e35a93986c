using Aigis.Core.Configuration;

namespace Aigis.Alerts;

/// <summary>An alert fired or resolved: what webhooks receive, the log says, and the history keeps.</summary>
/// <param name="Status"><c>firing</c> or <c>resolved</c>.</param>
/// <param name="Alert">The rule's name.</param>
/// <param name="Group">The value of the rule's <c>by</c> label (e.g. the service); empty for an overall rule.</param>
/// <param name="StartsAt">When the condition started holding.</param>
/// <param name="At">When this event happened.</param>
internal sealed record AlertEvent(
    string Status,
    string Alert,
    string? By,
    string Group,
    AlertSeverity Severity,
    double? Value,
    string Expression,
    string? Summary,
    DateTimeOffset StartsAt,
    DateTimeOffset At)
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";

    public long Id { get; init; }
}

/// <summary>An alert now pending or firing, as <c>GET /admin/v1/alerts</c> shows it.</summary>
internal sealed record ActiveAlert(string Alert, string? By, string Group, string State, AlertSeverity Severity, double? Value, string Expression, string? Summary, DateTimeOffset Since);
