using Aigis.Core.Alerts;

namespace Aigis.Core.Configuration;

/// <summary>The <c>alerts</c> section: rules over the gateway's own metrics and where their events go.</summary>
public sealed record AlertsConfig
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(15);

    /// <summary>How often every rule is evaluated.</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>Whether the shipped rules (<see cref="DefaultAlertRules"/>) run besides <see cref="Rules"/>.</summary>
    public bool Defaults { get; init; } = true;

    /// <summary>Webhook targets rules can name in <see cref="AlertRule.Notify"/>.</summary>
    public IReadOnlyList<WebhookConfig> Webhooks { get; init; } = [];

    public IReadOnlyList<AlertRule> Rules { get; init; } = [];

    /// <summary>The rules that run: the shipped defaults (unless a configured rule has the same name, or defaults are off), then <see cref="Rules"/>.</summary>
    public IReadOnlyList<AlertRule> EffectiveRules()
    {
        if (!Defaults)
        {
            return Rules;
        }

        var rules = new List<AlertRule>();
        foreach (var rule in DefaultAlertRules.All)
        {
            if (!Rules.Any(r => r.Name == rule.Name))
            {
                rules.Add(rule);
            }
        }

        rules.AddRange(Rules);
        return rules;
    }
}

/// <summary>A webhook: alert events are POSTed to it as JSON.</summary>
public sealed record WebhookConfig
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultBackoff = TimeSpan.FromSeconds(1);

    public required string Name { get; init; }

    public required Uri Url { get; init; }

    /// <summary>Longest wait for one attempt.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Attempts after the first failed one; the wait doubles each time from <see cref="Backoff"/>.</summary>
    public int Retries { get; init; } = 3;

    public TimeSpan Backoff { get; init; } = DefaultBackoff;
}

/// <summary>One alert rule: <see cref="Expression"/> compared over a window, per <see cref="By"/> label value or overall.</summary>
public sealed record AlertRule
{
    /// <summary>The notify target that writes alert events to the application log.</summary>
    public const string LogTarget = "log";

    public required string Name { get; init; }

    public required AlertExpression Expression { get; init; }

    /// <summary>The label the rule is evaluated per (e.g. <c>service</c>); null for one overall series.</summary>
    public string? By { get; init; }

    /// <summary>How long the condition must hold before the alert fires (0: at once).</summary>
    public TimeSpan For { get; init; } = TimeSpan.Zero;

    public AlertSeverity Severity { get; init; } = AlertSeverity.Warning;

    /// <summary><see cref="LogTarget"/> and/or names of <see cref="AlertsConfig.Webhooks"/>.</summary>
    public IReadOnlyList<string> Notify { get; init; } = [LogTarget];

    /// <summary>What the control plane does when the alert fires; <see cref="AlertRemediation.None"/> by default.</summary>
    public AlertRemediation Remediation { get; init; } = AlertRemediation.None;

    public string? Summary { get; init; }
}

public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

public enum AlertRemediation
{
    None,
    EjectInstance,
    RestartInstance,
    ScaleUp,
}
