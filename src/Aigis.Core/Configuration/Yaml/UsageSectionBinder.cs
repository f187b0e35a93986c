using System.Globalization;
using Aigis.Core.Identity;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>
/// Binds the <c>usage</c> section:
/// <code>
/// usage:
///   encoding: cl100k
///   models:
///     "gpt-4o*": {encoding: o200k, input: 2.50, output: 10.00}   # US dollars per million tokens
/// </code>
/// </summary>
internal static class UsageSectionBinder
{
    public static readonly string[] Keys = ["encoding", "models"];
    public static readonly string[] RuleKeys = ["encoding", "input", "output"];
    private const double MaxPricePerMillion = 1_000_000;

    public static UsageConfig Bind(YamlNode node, ConfigReadContext context)
    {
        var config = new UsageConfig();
        if (context.Mapping(node, "usage") is not { } map)
        {
            return config;
        }

        foreach (var (key, value) in context.Entries(map, "usage", Keys))
        {
            if (key == "encoding")
            {
                if (context.Choice(value, "usage.encoding", TokenEncodings.Names) is { } name)
                {
                    config = config with { Encoding = TokenEncodings.Parse(name) };
                }
            }
            else if (context.Mapping(value, "usage.models") is { } models)
            {
                config = config with { Models = Rules(models, context) };
            }
        }

        return config;
    }

    private static List<ModelUsageRule> Rules(YamlMappingNode models, ConfigReadContext context)
    {
        var rules = new List<ModelUsageRule>();
        foreach (var (keyNode, value) in models.Children)
        {
            var match = (keyNode as YamlScalarNode)?.Value ?? "";
            var path = $"usage.models[{match}]";
            if (!NamePattern.IsValid(match, out var problem))
            {
                context.Error(keyNode, $"{path}: {problem}");
                continue;
            }

            if (context.Mapping(value, path) is not { } rule)
            {
                continue;
            }

            TokenEncoding? encoding = null;
            long input = 0, output = 0;
            foreach (var (key, field) in context.Entries(rule, path, RuleKeys))
            {
                switch (key)
                {
                    case "encoding":
                        if (context.Choice(field, $"{path}.encoding", TokenEncodings.Names) is { } name)
                        {
                            encoding = TokenEncodings.Parse(name);
                        }

                        break;
                    case "input":
                        input = Price(context.Number(field, $"{path}.input", 0, MaxPricePerMillion));
                        break;
                    default:
                        output = Price(context.Number(field, $"{path}.output", 0, MaxPricePerMillion));
                        break;
                }
            }

            rules.Add(new ModelUsageRule(match, encoding, input, output));
        }

        return rules;
    }

    // Dollars per million tokens to whole micro-dollars per million tokens: exact to a millionth of a dollar.
    private static long Price(double? dollars) => dollars is { } d ? (long)Math.Round(d * TenantBudget.MicrosPerDollar, MidpointRounding.AwayFromZero) : 0;

    public static string FormatPrice(long micros) => ((decimal)micros / TenantBudget.MicrosPerDollar).ToString(CultureInfo.InvariantCulture);
}
