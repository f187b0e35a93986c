using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration;

/// <summary>The <c>telemetry</c> and <c>alerts</c> sections for <see cref="ConfigWriter"/>, kept apart so that file stays small.</summary>
internal static class TelemetryWriter
{
    public static YamlMappingNode Telemetry(TelemetryConfig telemetry)
    {
        var node = new YamlMappingNode();
        if (telemetry.Otlp is { } otlp)
        {
            node.Add("otlp", new YamlMappingNode
            {
                { "endpoint", Plain(otlp.Endpoint.OriginalString) },
                { "protocol", Plain(otlp.Protocol == OtlpProtocol.Grpc ? "grpc" : "http") },
            });
        }

        node.Add("sampling", Plain(telemetry.Sampling.ToString("R", CultureInfo.InvariantCulture)));
        node.Add("accessLog", Quoted(telemetry.AccessLog));
        var log = new YamlMappingNode { { "format", Plain(telemetry.Log.Format == LogFormat.Json ? "json" : "text") } };
        if (telemetry.Log.File is { } file)
        {
            log.Add("file", Quoted(file));
        }

        node.Add("log", log);
        node.Add("metricsAuth", Plain(telemetry.MetricsAuth == MetricsAuth.AdminKey ? "admin-key" : "none"));
        return node;
    }

    public static YamlMappingNode Alerts(AlertsConfig alerts) => new()
    {
        { "interval", Plain(DurationParser.Format(alerts.Interval)) },
        { "defaults", Plain(alerts.Defaults ? "true" : "false") },
        {
            "webhooks", new YamlSequenceNode(alerts.Webhooks.Select(w => (YamlNode)new YamlMappingNode
            {
                { "name", Plain(w.Name) },
                { "url", Plain(w.Url.OriginalString) },
                { "timeout", Plain(DurationParser.Format(w.Timeout)) },
                { "retries", Plain(w.Retries.ToString(CultureInfo.InvariantCulture)) },
                { "backoff", Plain(DurationParser.Format(w.Backoff)) },
            }))
        },
        { "rules", new YamlSequenceNode(alerts.Rules.Select(Rule)) },
    };

    private static YamlMappingNode Rule(AlertRule rule)
    {
        var node = new YamlMappingNode
        {
            { "name", Plain(rule.Name) },
            { "expr", Quoted(rule.Expression.ToString()) },
        };
        if (rule.By is { } by)
        {
            node.Add("by", Plain(by));
        }

        node.Add("for", Plain(DurationParser.Format(rule.For)));
        node.Add("severity", Plain(rule.Severity.ToString().ToLowerInvariant()));
        node.Add("notify", new YamlSequenceNode(rule.Notify.Select(n => (YamlNode)Plain(n))));
        node.Add("remediation", Plain(rule.Remediation switch
        {
            AlertRemediation.EjectInstance => "eject-instance",
            AlertRemediation.RestartInstance => "restart-instance",
            AlertRemediation.ScaleUp => "scale-up",
            _ => "none",
        }));
        if (rule.Summary is { } summary)
        {
            node.Add("summary", Quoted(summary));
        }

        return node;
    }

    private static YamlScalarNode Plain(string value) => new(value);

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };
}
