using Aigis.Core.Configuration.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration;

/// <summary>The outcome of loading a configuration: a config, or every error found.</summary>
public sealed record ConfigLoadResult(AigisConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Config is not null && Errors.Count == 0;
}

/// <summary>
/// Loads a configuration from YAML: parse with positions, apply <c>AIGIS__</c> environment overrides,
/// bind to the typed model and validate, reporting every problem as <c>FILE:LINE:COL: message</c>.
/// </summary>
public static class ConfigLoader
{
    public static readonly string[] RootKeys = ["gateway", "store", "services", "telemetry", "alerts", "usage", "jwt", "security", "state", "docker"];

    public static ConfigLoadResult LoadFile(string path, IEnumerable<ConfigOverride>? overrides = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return new ConfigLoadResult(null, [new ConfigError(path, 1, 1, $"cannot read the config file: {e.Message}")]);
        }

        return LoadText(text, path, overrides);
    }

    public static ConfigLoadResult LoadText(string text, string source, IEnumerable<ConfigOverride>? overrides = null)
    {
        var context = new ConfigReadContext(source);
        var stream = new YamlStream();
        var parser = new PositionTrackingParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            context.Error(e.Start, source, "invalid YAML: " + CleanYamlMessage(e));
            return new ConfigLoadResult(null, context.Errors);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (an unclosed flow sequence at the end
            // of a document); the last event it produced is the best position we have.
            context.Error(parser.LastPosition, source, "invalid YAML: the document is malformed after this point (an unclosed [ or {?)");
            return new ConfigLoadResult(null, context.Errors);
        }

        YamlMappingNode root;
        switch (stream.Documents.Count)
        {
            case 0:
                root = new YamlMappingNode();
                break;
            case 1 when stream.Documents[0].RootNode is YamlMappingNode map:
                root = map;
                break;
            case 1 when stream.Documents[0].RootNode is YamlScalarNode scalar && ConfigReadContext.IsNull(scalar):
                root = new YamlMappingNode();
                break;
            case 1:
                context.Error(stream.Documents[0].RootNode, "the config must be a section of keys (gateway:, store:, services:)");
                return new ConfigLoadResult(null, context.Errors);
            default:
                context.Error(stream.Documents[1].RootNode, "the config must be one YAML document; remove the extra '---'");
                return new ConfigLoadResult(null, context.Errors);
        }

        if (overrides is not null)
        {
            OverrideApplier.Apply(root, overrides, context);
        }

        var config = Bind(root, context);
        var errors = context.Errors
            .OrderBy(e => e.Source != source)
            .ThenBy(e => e.Line).ThenBy(e => e.Column)
            .ToArray();
        return new ConfigLoadResult(errors.Length == 0 ? config : null, errors);
    }

    private static AigisConfig Bind(YamlMappingNode root, ConfigReadContext context)
    {
        var config = new AigisConfig();
        foreach (var (key, value) in context.Entries(root, "", RootKeys))
        {
            config = key switch
            {
                "gateway" => config with { Gateway = GatewaySectionBinder.Bind(value, context) },
                "store" => config with { Store = StoreSectionBinder.Bind(value, context) },
                "state" => config with { State = StateSectionBinder.Bind(value, context) },
                "usage" => config with { Usage = UsageSectionBinder.Bind(value, context) },
                "jwt" => config with { Jwt = JwtSectionBinder.Bind(value, context) },
                "telemetry" => config with { Telemetry = TelemetrySectionBinder.Bind(value, context) },
                "alerts" => config with { Alerts = AlertsSectionBinder.Bind(value, context) },
                "security" => config with { Security = SecuritySectionBinder.Bind(value, context) },
                "docker" => config with { Docker = DockerEngineSectionBinder.Bind(value, context) },
                _ => config with { Services = ServicesSectionBinder.Bind(value, context) },
            };
        }

        return config;
    }

    // YamlDotNet prefixes messages with the position ("(Line: 3, Col: 5, Idx: 20) - (...): "), which we already print.
    internal static string CleanYamlMessage(YamlException e)
    {
        var message = e.Message;
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        return marker >= 0 && message.StartsWith('(') ? message[(marker + 3)..] : message;
    }
}
