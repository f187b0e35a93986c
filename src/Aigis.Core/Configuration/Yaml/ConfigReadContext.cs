using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>
/// Reads typed values out of a YAML node tree, collecting every problem with its location instead of
/// stopping at the first, so one run of <c>aigis validate</c> shows the user all there is to fix.
/// </summary>
internal sealed class ConfigReadContext(string file)
{
    private readonly Dictionary<YamlNode, string> _overrideSources = new(ReferenceEqualityComparer.Instance);

    public List<ConfigError> Errors { get; } = [];

    public string File => file;

    /// <summary>Marks <paramref name="node"/> and its descendants as coming from the override <paramref name="source"/>.</summary>
    public void MarkOverride(YamlNode node, string source)
    {
        foreach (var descendant in node.AllNodes)
        {
            _overrideSources[descendant] = source;
        }
    }

    public bool IsOverride(YamlNode node) => _overrideSources.ContainsKey(node);

    public void Error(YamlNode node, string message) => Error(node.Start, SourceOf(node), message);

    public void Error(Mark mark, string source, string message) =>
        Errors.Add(new ConfigError(source, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column), message));

    public void ErrorAtFileStart(string message) => Errors.Add(new ConfigError(file, 1, 1, message));

    private string SourceOf(YamlNode node) =>
        _overrideSources.TryGetValue(node, out var source) ? source : file;

    /// <summary>
    /// Enumerates a mapping's entries, reporting keys that are not scalars, unknown keys (with a suggestion)
    /// and, for keys injected by environment overrides, accepting any letter case.
    /// </summary>
    public IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode map, string section, IReadOnlyCollection<string> knownKeys)
    {
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } rawKey })
            {
                Error(keyNode, $"{section}: keys must be plain names");
                continue;
            }

            var key = knownKeys.FirstOrDefault(k => string.Equals(k, rawKey, StringComparison.Ordinal));
            if (key is null && IsOverride(keyNode))
            {
                key = knownKeys.FirstOrDefault(k => string.Equals(k, rawKey, StringComparison.OrdinalIgnoreCase));
            }

            if (key is null)
            {
                var where = section.Length == 0 ? "" : $" in {section}";
                Error(keyNode, $"unknown key '{rawKey}'{where}{DidYouMean.Hint(rawKey, knownKeys)}");
                continue;
            }

            yield return (key, value);
        }
    }

    /// <summary>True when <paramref name="keyNode"/> names <paramref name="key"/> (in any case if it came from the environment).</summary>
    public bool IsKey(YamlNode keyNode, string key) =>
        keyNode is YamlScalarNode { Value: { } raw } &&
        string.Equals(raw, key, IsOverride(keyNode) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    public YamlMappingNode? Mapping(YamlNode node, string path)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        Error(node, $"{path} must be a section of keys, not {Describe(node)}");
        return null;
    }

    public YamlSequenceNode? Sequence(YamlNode node, string path, string example)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        Error(node, $"{path} must be a list (e.g. {example}), not {Describe(node)}");
        return null;
    }

    /// <summary>Reads a non-empty scalar; reports a missing value, a list or a section in its place.</summary>
    public string? Scalar(YamlNode node, string path)
    {
        if (node is not YamlScalarNode scalar)
        {
            Error(node, $"{path} must be a single value, not {Describe(node)}");
            return null;
        }

        if (IsNull(scalar))
        {
            Error(node, $"{path} has no value");
            return null;
        }

        return scalar.Value;
    }

    public TimeSpan? Duration(YamlNode node, string path, TimeSpan min, TimeSpan max)
    {
        if (Scalar(node, path) is not { } text)
        {
            return null;
        }

        if (!DurationParser.TryParse(text, out var value, out var error))
        {
            Error(node, $"{path}: {error}");
            return null;
        }

        if (value < min || value > max)
        {
            Error(node, $"{path} must be between {DurationParser.Format(min)} and {DurationParser.Format(max)}, not {text}");
            return null;
        }

        return value;
    }

    public long? Size(YamlNode node, string path, long min, long max)
    {
        if (Scalar(node, path) is not { } text)
        {
            return null;
        }

        if (!SizeParser.TryParse(text, out var value, out var error))
        {
            Error(node, $"{path}: {error}");
            return null;
        }

        if (value < min || value > max)
        {
            Error(node, $"{path} must be between {SizeParser.Format(min)} and {SizeParser.Format(max)}, not {text}");
            return null;
        }

        return value;
    }

    /// <summary>An integer within the range <typeparamref name="TOptions"/> declares on <paramref name="property"/>.</summary>
    public int? Integer<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(YamlNode node, string path, string property)
    {
        var (min, max) = OptionBounds.IntegerOf<TOptions>(property);
        return Integer(node, path, min, max);
    }

    /// <summary>A number within the range <typeparamref name="TOptions"/> declares on <paramref name="property"/>.</summary>
    public double? Number<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(YamlNode node, string path, string property)
    {
        var (min, max) = OptionBounds.Of<TOptions>(property);
        return Number(node, path, min, max);
    }

    public int? Integer(YamlNode node, string path, int min, int max)
    {
        if (Scalar(node, path) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            Error(node, $"{path} must be a whole number, not '{text}'");
            return null;
        }

        if (value < min || value > max)
        {
            Error(node, $"{path} must be between {min} and {max}, not {value}");
            return null;
        }

        return value;
    }

    public double? Number(YamlNode node, string path, double min, double max)
    {
        if (Scalar(node, path) is not { } text)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Error(node, $"{path} must be a number, not '{text}'");
            return null;
        }

        if (value < min || value > max)
        {
            Error(node, $"{path} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, not {text}");
            return null;
        }

        return value;
    }

    /// <summary>Reads one of a fixed set of words (an enum written in lower case, with dashes).</summary>
    private static readonly string[] s_booleans = ["true", "false"];

    /// <summary><c>true</c> or <c>false</c>; anything else is an error that names both, and null.</summary>
    public bool? Boolean(YamlNode node, string path) => Choice(node, path, s_booleans) is { } text ? text == "true" : null;

    public string? Choice(YamlNode node, string path, IReadOnlyCollection<string> choices)
    {
        if (Scalar(node, path) is not { } text)
        {
            return null;
        }

        if (choices.Contains(text))
        {
            return text;
        }

        Error(node, $"{path}: unknown value '{text}'{DidYouMean.Hint(text, choices)}");
        return null;
    }

    /// <summary>Reads an absolute http or https URL with a host.</summary>
    public Uri? HttpUrl(YamlNode node, string path)
    {
        if (Scalar(node, path) is not { } text)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            Error(node, $"{path}: '{text}' is not an http or https URL (e.g. http://127.0.0.1:9000)");
            return null;
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            Error(node, $"{path}: '{text}' has no host");
            return null;
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            Error(node, $"{path}: '{text}' must not have a query or fragment");
            return null;
        }

        return uri;
    }

    public static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a section",
        YamlSequenceNode => "a list",
        YamlScalarNode s when IsNull(s) => "an empty value",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "that",
    };
}
