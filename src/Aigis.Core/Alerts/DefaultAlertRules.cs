using Aigis.Core.Configuration;

namespace Aigis.Core.Alerts;

/// <summary>
/// The rules every gateway runs unless <c>alerts.defaults: false</c> (a configured rule with the same name
/// replaces one). Thresholds are for a chat fleet; they tell an operator about trouble, not about every blip.
/// </summary>
public static class DefaultAlertRules
{
    public static readonly IReadOnlyList<AlertRule> All =
    [
        Rule("error-ratio", """ratio(aigis.requests{status="5xx"}, aigis.requests[5m]) > 0.05""", "service", TimeSpan.FromMinutes(2), AlertSeverity.Critical,
            "More than 5% of the service's requests failed with a 5xx over 5 minutes."),
        Rule("upstream-latency", "quantile(0.9, aigis.upstream.latency[5m]) > 5", "service", TimeSpan.FromMinutes(5), AlertSeverity.Warning,
            "The service's 90th percentile time to first byte was above 5 s over 5 minutes."),
        Rule("no-healthy-instance", "value(aigis.service.healthy_instances) < 1", "service", TimeSpan.FromMinutes(1), AlertSeverity.Critical,
            "The service has no healthy instance: its requests fail with no_upstream."),
        Rule("replica-crash-loop", """value(aigis.replicas{state="crash-loop"}) > 0""", "service", TimeSpan.Zero, AlertSeverity.Critical,
            "A replica failed too often and is no longer restarted."),
        Rule("ids-block-burst", "rate(aigis.ids.blocks[1m]) > 5", null, TimeSpan.FromMinutes(1), AlertSeverity.Warning,
            "Intrusion detection blocked more than 5 requests a second for a minute."),
    ];

    private static AlertRule Rule(string name, string expression, string? by, TimeSpan @for, AlertSeverity severity, string summary)
    {
        if (!AlertExpressionParser.TryParse(expression, out var parsed, out var error))
        {
            throw new InvalidOperationException($"default rule {name}: {error}");
        }

        return new AlertRule { Name = name, Expression = parsed!, By = by, For = @for, Severity = severity, Summary = summary };
    }
}
