using System.Globalization;
using Aigis.Core.Resilience;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration;

/// <summary>Writes a service's resilience sections for <see cref="ConfigWriter"/>, in the loader's vocabulary.</summary>
internal static class ResilienceWriter
{
    public static void Add(YamlMappingNode node, ServiceConfig service)
    {
        if (service.Health is { } health)
        {
            node.Add("health", new YamlMappingNode
            {
                { "path", Quoted(health.Path) },
                { "interval", Plain(DurationParser.Format(health.Interval)) },
                { "timeout", Plain(DurationParser.Format(health.Timeout)) },
                { "healthyThreshold", Plain(Integer(health.HealthyThreshold)) },
                { "unhealthyThreshold", Plain(Integer(health.UnhealthyThreshold)) },
            });
        }

        var outlier = service.OutlierDetection;
        node.Add("outlierDetection", new YamlMappingNode
        {
            { "consecutive5xx", Plain(Integer(outlier.Consecutive5xx)) },
            { "consecutiveConnectFailures", Plain(Integer(outlier.ConsecutiveConnectFailures)) },
            { "baseEjectionTime", Plain(DurationParser.Format(outlier.BaseEjectionTime)) },
            { "maxEjectionTime", Plain(DurationParser.Format(outlier.MaxEjectionTime)) },
            { "maxEjectionPercent", Plain(Integer(outlier.MaxEjectionPercent)) },
        });
        var breaker = service.CircuitBreaker;
        node.Add("circuitBreaker", new YamlMappingNode
        {
            { "failureRatio", Plain(breaker.FailureRatio.ToString("R", CultureInfo.InvariantCulture)) },
            { "minimumThroughput", Plain(Integer(breaker.MinimumThroughput)) },
            { "samplingDuration", Plain(DurationParser.Format(breaker.SamplingDuration)) },
            { "breakDuration", Plain(DurationParser.Format(breaker.BreakDuration)) },
        });
        var retries = service.Retries;
        node.Add("retries", new YamlMappingNode
        {
            { "attempts", Plain(Integer(retries.Attempts)) },
            { "budgetPercent", Plain(Integer(retries.BudgetPercent)) },
            { "minRetriesPerSecond", Plain(Integer(retries.MinRetriesPerSecond)) },
            { "budgetWindow", Plain(DurationParser.Format(retries.BudgetWindow)) },
        });
        if (service.Fallback.Count > 0)
        {
            node.Add("fallback", new YamlSequenceNode(service.Fallback.Select(f => (YamlNode)Quoted(f))));
        }
    }

    private static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static YamlScalarNode Plain(string value) => new(value);

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };
}
