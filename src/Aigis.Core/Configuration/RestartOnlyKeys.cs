using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration;

/// <summary>
/// The config keys a running gateway reads only at start, and which of them a reload changed: those are logged by
/// name as needing a restart, so no edit is ever silently kept at its old value. Everything else applies live.
/// </summary>
/// <remarks>
/// Sections are compared as the config writer renders them, so two loads of the same text compare equal although
/// their records hold different list instances.
/// </remarks>
public static class RestartOnlyKeys
{
    /// <summary>The keys among <paramref name="next"/>'s changes from <paramref name="current"/> that need a restart, in a stable order.</summary>
    public static IReadOnlyList<string> Changed(AigisConfig current, AigisConfig next)
    {
        var changed = new List<string>();
        if (next.Gateway.Listen != current.Gateway.Listen)
        {
            changed.Add("gateway.listen");
        }

        if (next.Gateway.Admin != current.Gateway.Admin)
        {
            changed.Add("gateway.admin");
        }

        if (next.Store != current.Store)
        {
            changed.Add("store");
        }

        // The Redis connection and its verified script are made at start.
        if (next.State != current.State)
        {
            changed.Add("state");
        }

        // The Docker engine's client is made when the first docker service is deployed.
        if (next.Docker != current.Docker)
        {
            changed.Add("docker");
        }

        var before = ConfigWriter.Sections(current);
        var after = ConfigWriter.Sections(next);

        // JWT validation keys and issuers are loaded once, with the signing keys they name.
        Compare("jwt", before, after, changed);

        // The access log's file, OTLP export, sampling and the app log's settings are opened at start;
        // telemetry.metricsAuth is read per scrape and applies live.
        foreach (var key in new[] { "otlp", "sampling", "accessLog", "log" })
        {
            CompareChild("telemetry", key, before, after, changed);
        }

        // Alert rules, their windows and the webhooks are built into the evaluator at start.
        Compare("alerts", before, after, changed);

        // Kestrel's ceilings on headers and URLs are set at start; a lower limit still applies at once in the gateway's own check.
        CompareChild("security", "limits", before, after, changed);
        return changed;
    }

    private static void Compare(string section, IReadOnlyDictionary<string, YamlNode> before, IReadOnlyDictionary<string, YamlNode> after, List<string> changed)
    {
        if (!Equals(Text(before.GetValueOrDefault(section)), Text(after.GetValueOrDefault(section))))
        {
            changed.Add(section);
        }
    }

    private static void CompareChild(string section, string key, IReadOnlyDictionary<string, YamlNode> before, IReadOnlyDictionary<string, YamlNode> after, List<string> changed)
    {
        if (!Equals(Text(Child(before, section, key)), Text(Child(after, section, key))))
        {
            changed.Add($"{section}.{key}");
        }
    }

    private static YamlNode? Child(IReadOnlyDictionary<string, YamlNode> sections, string section, string key) =>
        sections.GetValueOrDefault(section) is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Text(YamlNode? node)
    {
        if (node is null)
        {
            return null;
        }

        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
