using Aigis.Core.Resilience;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>
/// Binds a service's resilience sections: <c>health</c>, <c>outlierDetection</c>, <c>circuitBreaker</c>,
/// <c>retries</c> and <c>fallback</c>, and checks fallbacks across services (they exist, match in kind, no cycles).
/// </summary>
internal static class ResilienceSectionBinder
{
    public static readonly string[] HealthKeys = ["path", "interval", "timeout", "healthyThreshold", "unhealthyThreshold"];
    public static readonly string[] OutlierKeys = ["consecutive5xx", "consecutiveConnectFailures", "baseEjectionTime", "maxEjectionTime", "maxEjectionPercent"];
    public static readonly string[] BreakerKeys = ["failureRatio", "minimumThroughput", "samplingDuration", "breakDuration"];
    public static readonly string[] RetryKeys = ["attempts", "budgetPercent", "minRetriesPerSecond", "budgetWindow"];

    public static HealthCheckOptions? BindHealth(YamlNode node, string path, ConfigReadContext context)
    {
        var options = new HealthCheckOptions();
        if (context.Mapping(node, path) is not { } map)
        {
            return null;
        }

        foreach (var (key, value) in context.Entries(map, path, HealthKeys))
        {
            var at = $"{path}.{key}";
            options = key switch
            {
                "path" => options with { Path = ProcessSectionBinder.HealthPath(value, at, context) ?? options.Path },
                "interval" => options with { Interval = context.Duration(value, at, TimeSpan.FromMilliseconds(50), TimeSpan.FromHours(1)) ?? options.Interval },
                "timeout" => options with { Timeout = context.Duration(value, at, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5)) ?? options.Timeout },
                "healthyThreshold" => options with { HealthyThreshold = context.Integer(value, at, 1, 100) ?? options.HealthyThreshold },
                _ => options with { UnhealthyThreshold = context.Integer(value, at, 1, 100) ?? options.UnhealthyThreshold },
            };
        }

        if (options.Timeout > options.Interval)
        {
            context.Error(node, $"{path}: timeout ({DurationParser.Format(options.Timeout)}) is longer than interval ({DurationParser.Format(options.Interval)}); a probe must end before the next is due");
        }

        return options;
    }

    public static OutlierDetectionOptions BindOutlier(YamlNode node, string path, ConfigReadContext context)
    {
        var options = new OutlierDetectionOptions();
        if (context.Mapping(node, path) is not { } map)
        {
            return options;
        }

        foreach (var (key, value) in context.Entries(map, path, OutlierKeys))
        {
            var at = $"{path}.{key}";
            options = key switch
            {
                "consecutive5xx" => options with { Consecutive5xx = context.Integer(value, at, 1, 1000) ?? options.Consecutive5xx },
                "consecutiveConnectFailures" => options with { ConsecutiveConnectFailures = context.Integer(value, at, 1, 1000) ?? options.ConsecutiveConnectFailures },
                "baseEjectionTime" => options with { BaseEjectionTime = context.Duration(value, at, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)) ?? options.BaseEjectionTime },
                "maxEjectionTime" => options with { MaxEjectionTime = context.Duration(value, at, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(24)) ?? options.MaxEjectionTime },
                _ => options with { MaxEjectionPercent = context.Integer(value, at, 0, 100) ?? options.MaxEjectionPercent },
            };
        }

        if (options.MaxEjectionTime < options.BaseEjectionTime)
        {
            context.Error(node, $"{path}: maxEjectionTime ({DurationParser.Format(options.MaxEjectionTime)}) is shorter than baseEjectionTime ({DurationParser.Format(options.BaseEjectionTime)})");
        }

        return options;
    }

    public static CircuitBreakerOptions BindBreaker(YamlNode node, string path, ConfigReadContext context)
    {
        var options = new CircuitBreakerOptions();
        if (context.Mapping(node, path) is not { } map)
        {
            return options;
        }

        foreach (var (key, value) in context.Entries(map, path, BreakerKeys))
        {
            var at = $"{path}.{key}";
            options = key switch
            {
                "failureRatio" => options with { FailureRatio = context.Number(value, at, 0.01, 1.0) ?? options.FailureRatio },
                "minimumThroughput" => options with { MinimumThroughput = context.Integer(value, at, 1, 100_000) ?? options.MinimumThroughput },
                "samplingDuration" => options with { SamplingDuration = context.Duration(value, at, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)) ?? options.SamplingDuration },
                _ => options with { BreakDuration = context.Duration(value, at, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)) ?? options.BreakDuration },
            };
        }

        return options;
    }

    public static RetryOptions BindRetries(YamlNode node, string path, ConfigReadContext context)
    {
        var options = new RetryOptions();
        if (context.Mapping(node, path) is not { } map)
        {
            return options;
        }

        foreach (var (key, value) in context.Entries(map, path, RetryKeys))
        {
            var at = $"{path}.{key}";
            options = key switch
            {
                "attempts" => options with { Attempts = context.Integer(value, at, 1, 10) ?? options.Attempts },
                "budgetPercent" => options with { BudgetPercent = context.Integer(value, at, 0, 100) ?? options.BudgetPercent },
                "minRetriesPerSecond" => options with { MinRetriesPerSecond = context.Integer(value, at, 0, 10_000) ?? options.MinRetriesPerSecond },
                _ => options with { BudgetWindow = context.Duration(value, at, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)) ?? options.BudgetWindow },
            };
        }

        return options;
    }

    public static List<(string Name, YamlNode Node)> BindFallback(YamlNode node, string path, ConfigReadContext context)
    {
        var names = new List<(string, YamlNode)>();
        if (context.Sequence(node, path, "[chat-small, chat-tiny]") is not { } sequence)
        {
            return names;
        }

        foreach (var item in sequence.Children)
        {
            if (context.Scalar(item, $"{path}[]") is { } name)
            {
                names.Add((name, item));
            }
        }

        return names;
    }

    /// <summary>
    /// Every fallback names another known service of the same kind, once, and following fallbacks never comes back
    /// to where it started (a cycle would bounce a failing request between services).
    /// </summary>
    public static void CheckFallbacks(IReadOnlyList<ServiceConfig> services, Dictionary<string, List<(string Name, YamlNode Node)>> fallbacks, ConfigReadContext context)
    {
        var byName = services.ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var (owner, entries) in fallbacks)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, node) in entries)
            {
                var at = $"services[{owner}].fallback";
                if (!byName.TryGetValue(name, out var target))
                {
                    var hint = DidYouMean.Suggest(name, byName.Keys) is { } suggestion ? $"; did you mean '{suggestion}'?" : "";
                    context.Error(node, $"{at}: there is no service '{name}'{hint}");
                }
                else if (name == owner)
                {
                    context.Error(node, $"{at}: a service cannot fall back to itself");
                }
                else if (!seen.Add(name))
                {
                    context.Error(node, $"{at}: '{name}' is listed twice");
                }
                else if (byName.TryGetValue(owner, out var source) && source.Kind != target.Kind)
                {
                    context.Error(node, $"{at}: '{name}' is an {KindName(target.Kind)} service and '{owner}' an {KindName(source.Kind)} one; a fallback must answer the same API");
                }
                else if (PathBack(byName, name, owner) is { } cycle)
                {
                    context.Error(node, $"{at}: falling back to '{name}' makes a cycle ({owner} -> {cycle}); a request could bounce between them");
                }
            }
        }
    }

    private static string KindName(ServiceKind kind) => kind == ServiceKind.Llm ? "llm" : "http";

    /// <summary>A fallback path from <paramref name="from"/> back to <paramref name="target"/>, as "a -> b -> target", or null.</summary>
    private static string? PathBack(Dictionary<string, ServiceConfig> byName, string from, string target)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<(string Name, string Path)>();
        stack.Push((from, from));
        while (stack.Count > 0)
        {
            var (name, path) = stack.Pop();
            if (name == target)
            {
                return path;
            }

            if (!visited.Add(name) || !byName.TryGetValue(name, out var service))
            {
                continue;
            }

            foreach (var next in service.Fallback)
            {
                stack.Push((next, $"{path} -> {next}"));
            }
        }

        return null;
    }
}
