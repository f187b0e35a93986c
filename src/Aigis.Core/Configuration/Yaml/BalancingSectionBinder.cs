using Aigis.Core.Balancing;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds a service's <c>balancing</c> section: the parameters of its balancer.</summary>
internal static class BalancingSectionBinder
{
    public static readonly string[] Keys =
    [
        "hashKey", "loadFactor", "virtualNodes", "scrapeInterval", "staleAfter",
        "prefixWeight", "queueWeight", "inFlightWeight", "kvWeight", "prefillWeight", "prefillLoadWeight", "overloadMargin", "prefixIndexCapacity",
    ];

    public static BalancingOptions Bind(YamlNode node, string path, ConfigReadContext context)
    {
        var options = new BalancingOptions();
        if (context.Mapping(node, path) is not { } map)
        {
            return options;
        }

        foreach (var (key, value) in context.Entries(map, path, Keys))
        {
            var at = $"{path}.{key}";
            options = key switch
            {
                "hashKey" => options with { HashKey = HashKey(value, at, context) ?? options.HashKey },
                "loadFactor" => options with { LoadFactor = context.Number<BalancingOptions>(value, at, nameof(BalancingOptions.LoadFactor)) ?? options.LoadFactor },
                "virtualNodes" => options with { VirtualNodes = context.Integer<BalancingOptions>(value, at, nameof(BalancingOptions.VirtualNodes)) ?? options.VirtualNodes },
                "scrapeInterval" => options with { ScrapeInterval = context.Duration(value, at, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(5)) ?? options.ScrapeInterval },
                "staleAfter" => options with { StaleAfter = context.Duration(value, at, TimeSpan.FromMilliseconds(50), TimeSpan.FromHours(1)) ?? options.StaleAfter },
                "prefixWeight" => options with { PrefixWeight = context.Number<BalancingOptions>(value, at, nameof(BalancingOptions.PrefixWeight)) ?? options.PrefixWeight },
                "queueWeight" => options with { QueueWeight = context.Number<BalancingOptions>(value, at, nameof(BalancingOptions.QueueWeight)) ?? options.QueueWeight },
                "inFlightWeight" => options with { InFlightWeight = context.Number<BalancingOptions>(value, at, nameof(BalancingOptions.InFlightWeight)) ?? options.InFlightWeight },
                "kvWeight" => options with { KvWeight = context.Number<BalancingOptions>(value, at, nameof(BalancingOptions.KvWeight)) ?? options.KvWeight },
                "prefillWeight" => options with { PrefillWeight = context.Number<BalancingOptions>(value, at, nameof(BalancingOptions.PrefillWeight)) ?? options.PrefillWeight },
                "prefillLoadWeight" => options with { PrefillLoadWeight = context.Number<BalancingOptions>(value, at, nameof(BalancingOptions.PrefillLoadWeight)) ?? options.PrefillLoadWeight },
                "overloadMargin" => options with { OverloadMargin = context.Number<BalancingOptions>(value, at, nameof(BalancingOptions.OverloadMargin)) ?? options.OverloadMargin },
                _ => options with { PrefixIndexCapacity = context.Integer<BalancingOptions>(value, at, nameof(BalancingOptions.PrefixIndexCapacity)) ?? options.PrefixIndexCapacity },
            };
        }

        if (options.StaleAfter < options.ScrapeInterval)
        {
            context.Error(node, $"{path}: staleAfter ({DurationParser.Format(options.StaleAfter)}) is shorter than scrapeInterval ({DurationParser.Format(options.ScrapeInterval)}), so every reading would be stale before the next");
        }

        return options;
    }

    /// <summary><c>header:NAME</c> or <c>body:FIELD</c>.</summary>
    private static string? HashKey(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.Scalar(node, path) is not { } text)
        {
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? text : text[..colon];
        var name = colon < 0 ? "" : text[(colon + 1)..];
        if (kind is not ("header" or "body") || name.Length == 0 || name.Any(char.IsWhiteSpace))
        {
            context.Error(node, $"{path}: '{text}' is not a key source; write header:NAME (e.g. header:x-session-id) or body:FIELD (e.g. body:user)");
            return null;
        }

        return text;
    }
}
