using System.Globalization;
using System.Text.RegularExpressions;
using Aigis.Serialization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aigis.Hosting;

/// <summary>
/// What changed between two config texts, setting by setting: each YAML document is flattened to paths
/// (<c>services[chat].process.replicas</c>; list items that have a <c>name</c> are keyed by it, so reordering services
/// is not a change) and the two maps compared. Values of settings named like secrets are never shown.
/// </summary>
internal static partial class ConfigDiff
{
    private const string Hidden = "(hidden)";

    public static IReadOnlyList<ConfigChangeView> Compare(string? before, string after)
    {
        var old = Flatten(before);
        var now = Flatten(after);
        var changes = new List<ConfigChangeView>();
        foreach (var (path, value) in now)
        {
            if (!old.TryGetValue(path, out var previous))
            {
                changes.Add(new ConfigChangeView(path, "added", null, Shown(path, value)));
            }
            else if (previous != value)
            {
                changes.Add(new ConfigChangeView(path, "changed", Shown(path, previous), Shown(path, value)));
            }
        }

        foreach (var (path, value) in old)
        {
            if (!now.ContainsKey(path))
            {
                changes.Add(new ConfigChangeView(path, "removed", Shown(path, value), null));
            }
        }

        changes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return changes;
    }

    /// <summary>Every scalar of the text by its path. Text that is not YAML flattens to nothing (validation reports it).</summary>
    public static SortedDictionary<string, string> Flatten(string? text)
    {
        var flat = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return flat;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException)
        {
            // Not YAML: the loader's own errors say where; the diff has nothing to compare.
            return flat;
        }

        if (stream.Documents.Count > 0)
        {
            Walk(stream.Documents[0].RootNode, "", flat);
        }

        return flat;
    }

    private static void Walk(YamlNode node, string path, SortedDictionary<string, string> flat)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = key is YamlScalarNode s ? s.Value ?? "" : key.ToString();
                    Walk(value, path.Length == 0 ? name : path + "." + name, flat);
                }

                break;
            case YamlSequenceNode list:
                for (var i = 0; i < list.Children.Count; i++)
                {
                    var item = list.Children[i];
                    var id = item is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("name"), out var n) && n is YamlScalarNode named
                        ? named.Value
                        : i.ToString(CultureInfo.InvariantCulture);
                    Walk(item, $"{path}[{id}]", flat);
                }

                if (list.Children.Count == 0)
                {
                    flat[path] = "[]";
                }

                break;
            case YamlScalarNode scalar:
                flat[path] = scalar.Value ?? "";
                break;
        }
    }

    private static string Shown(string path, string value) => SecretName().IsMatch(path) ? Hidden : value;

    // The last segment of the path names a secret: a password, token, secret, credential or key (not "keys" lists or tokens-per-minute limits).
    [GeneratedRegex(@"(password|passwd|secret|credential|authorization|api_?key|(^|\.)key|token)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
