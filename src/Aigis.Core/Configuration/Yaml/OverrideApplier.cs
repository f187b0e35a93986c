using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>
/// Applies overrides (<c>AIGIS__SECTION__KEY=value</c> variables, command-line flags) onto the YAML tree
/// before binding, so overridden values are validated exactly like file values. A list item is addressed by index
/// (<c>AIGIS__SERVICES__0__BALANCER</c>) or by its <c>name</c>, dashes written as underscores
/// (<c>AIGIS__SERVICES__CHAT_SMALL__BALANCER</c>). A value starting with <c>[</c> or <c>{</c> is read
/// as YAML flow syntax (<c>[a, b]</c>); anything else is a plain string.
/// </summary>
internal static class OverrideApplier
{
    public static void Apply(YamlMappingNode root, IEnumerable<ConfigOverride> overrides, ConfigReadContext context)
    {
        foreach (var item in overrides)
        {
            if (item.Path.Count == 0 || item.Path.Any(string.IsNullOrEmpty))
            {
                context.Error(Mark.Empty, item.Source, "the name has an empty segment; write it as AIGIS__SECTION__KEY");
                continue;
            }

            Apply(root, item.Source, [.. item.Path], item.Value, context);
        }
    }

    private static void Apply(YamlMappingNode root, string name, string[] segments, string value, ConfigReadContext context)
    {
        YamlNode current = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var next = Child(current, segments[i]);
            if (next is null)
            {
                if (current is not YamlMappingNode parentMap)
                {
                    context.Error(Mark.Empty, name, $"no list item '{segments[i]}' to override (use an index or an item's name)");
                    return;
                }

                var keyNode = new YamlScalarNode(segments[i]);
                context.MarkOverride(keyNode, name);
                next = new YamlMappingNode();
                parentMap.Add(keyNode, next);
            }

            current = next;
        }

        if (current is not YamlMappingNode map)
        {
            context.Error(Mark.Empty, name, $"'{string.Join("__", segments[..^1])}' is not a section, so it has no key '{segments[^1]}'");
            return;
        }

        var valueNode = ParseValue(value);
        context.MarkOverride(valueNode, name);
        var existingKey = map.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && string.Equals(s.Value, segments[^1], StringComparison.OrdinalIgnoreCase));
        if (existingKey is not null)
        {
            map.Children[existingKey] = valueNode;
            return;
        }

        var newKey = new YamlScalarNode(segments[^1]);
        context.MarkOverride(newKey, name);
        map.Add(newKey, valueNode);
    }

    private static YamlNode? Child(YamlNode node, string segment)
    {
        switch (node)
        {
            case YamlMappingNode map:
                return map.Children.FirstOrDefault(e => e.Key is YamlScalarNode s && string.Equals(s.Value, segment, StringComparison.OrdinalIgnoreCase)).Value;
            case YamlSequenceNode sequence:
                if (int.TryParse(segment, out var index))
                {
                    return index >= 0 && index < sequence.Children.Count ? sequence.Children[index] : null;
                }

                var wanted = segment.Replace('_', '-');
                return sequence.Children.FirstOrDefault(item =>
                    item is YamlMappingNode m &&
                    m.Children.Any(e => e.Key is YamlScalarNode { Value: "name" } && e.Value is YamlScalarNode v &&
                                        string.Equals(v.Value, wanted, StringComparison.OrdinalIgnoreCase)));
            default:
                return null;
        }
    }

    private static YamlNode ParseValue(string value)
    {
        var trimmed = value.TrimStart();
        if (trimmed.StartsWith('[') || trimmed.StartsWith('{'))
        {
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(value));
                if (stream.Documents.Count == 1)
                {
                    return stream.Documents[0].RootNode;
                }
            }
            catch (YamlException)
            {
                // Not valid flow syntax: keep it as the literal string, and the binder says what is wrong with it.
            }
        }

        return new YamlScalarNode(value) { Style = ScalarStyle.DoubleQuoted };
    }
}
