using System.Text.RegularExpressions;
using Aigis.Core.Configuration;
using Aigis.Core.Configuration.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Security.Rules;

/// <summary>What one rule file holds: its rules, the ids it disables, and every problem with its location.</summary>
public sealed record RuleFile(IReadOnlyList<SecurityRule> Rules, IReadOnlyList<string> Disabled, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Reads a YAML rule file (<c>rules:</c>, a list of rules, and <c>disable:</c>, a list of rule ids) and
/// compiles every pattern once, reporting each problem as <c>FILE:LINE:COL: message</c>.
/// </summary>
/// <remarks>
/// A rule whose id is already defined (by the shipped rules or an earlier file) overrides it and may give
/// only the fields it changes: <c>{ id: "942151", paranoia: 2 }</c>. Patterns are compiled with
/// <see cref="RegexOptions.NonBacktracking"/>: its matching time is linear in the input whatever the pattern,
/// so no user's rule can be made to backtrack catastrophically; the constructs it lacks (look-arounds,
/// back-references) are refused here with the pattern's location. The shipped rules are compiled with
/// <see cref="ShippedOptions"/> instead (see there why).
/// </remarks>
public static class RuleFileLoader
{
    public static readonly string[] RootKeys = ["rules", "disable"];
    public static readonly string[] RuleKeys = ["id", "family", "severity", "paranoia", "zones", "view", "headers", "pattern", "message", "prefilter"];
    public static readonly string[] Severities = ["critical", "error", "warning", "notice"];
    public static readonly string[] Views = ["decoded", "raw", "command-line", "sql"];

    /// <summary>How user rules are compiled: linear-time matching, whatever the pattern.</summary>
    public const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    /// <summary>
    /// How the shipped rules are compiled: with <see cref="RegexOptions.NonBacktracking"/> like user rules, so
    /// their matching time is linear by construction. The few that need a look-behind (the prompt-injection
    /// rules that only fire in imperative position) cannot be, and fall back to <see cref="BacktrackingOptions"/>;
    /// their look-behinds are fixed alternations with bounded quantifiers (<c>\s{0,4}</c>, never <c>\s*</c>),
    /// which <c>RedosBoundTests</c> checks, so each position costs a constant. Each rule runs only after its
    /// group's non-backtracking gate matched; the 1 s timeout is a backstop, not the defense.
    /// </summary>
    /// <remarks>ExplicitCapture (no rule needs a capture) also tells these options apart from <see cref="Options"/>.</remarks>
    public const RegexOptions ShippedOptions = RegexOptions.NonBacktracking | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <summary>The fallback for shipped patterns that use a look-behind.</summary>
    public const RegexOptions BacktrackingOptions = RegexOptions.Compiled | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    private static Regex Compile(string pattern, RegexOptions options, TimeSpan matchTimeout)
    {
        if (options != ShippedOptions)
        {
            return new Regex(pattern, options, matchTimeout);
        }

        try
        {
            return new Regex(pattern, options, matchTimeout);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, BacktrackingOptions, matchTimeout);
        }
    }

    public static RuleFile LoadFile(string path, IReadOnlyDictionary<string, SecurityRule> existing, TimeSpan matchTimeout, RegexOptions options = Options)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return new RuleFile([], [], [new ConfigError(path, 1, 1, $"cannot read the rule file: {e.Message}")]);
        }

        return LoadText(text, path, existing, matchTimeout, options);
    }

    public static RuleFile LoadText(string text, string source, IReadOnlyDictionary<string, SecurityRule> existing, TimeSpan matchTimeout, RegexOptions options = Options)
    {
        var context = new ConfigReadContext(source);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            context.Error(e.Start, source, "invalid YAML: " + ConfigLoader.CleanYamlMessage(e));
            return new RuleFile([], [], context.Errors);
        }
        catch (InvalidOperationException)
        {
            context.ErrorAtFileStart("invalid YAML: the document is malformed (an unclosed [ or {?)");
            return new RuleFile([], [], context.Errors);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            context.ErrorAtFileStart("a rule file must be one YAML document with a 'rules:' list");
            return new RuleFile([], [], context.Errors);
        }

        var rules = new List<SecurityRule>();
        var disabled = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in context.Entries(root, "", RootKeys))
        {
            if (context.Sequence(value, key, key == "rules" ? "[{ id: ..., pattern: ... }]" : "[\"942151\"]") is not { } list)
            {
                continue;
            }

            foreach (var item in list)
            {
                if (key == "disable")
                {
                    if (context.Scalar(item, "disable[]") is { } id)
                    {
                        disabled.Add(id);
                    }

                    continue;
                }

                if (ReadRule(item, context, existing, matchTimeout, options) is { } rule)
                {
                    if (!seen.Add(rule.Id))
                    {
                        context.Error(item, $"rule {rule.Id} is defined twice in this file");
                        continue;
                    }

                    rules.Add(rule);
                }
            }
        }

        return new RuleFile(rules, disabled, [.. context.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
    }

    private static SecurityRule? ReadRule(YamlNode node, ConfigReadContext context, IReadOnlyDictionary<string, SecurityRule> existing, TimeSpan matchTimeout, RegexOptions options)
    {
        if (context.Mapping(node, "rules[]") is not { } map)
        {
            return null;
        }

        var errorsBefore = context.Errors.Count;
        string? id = null;
        foreach (var (key, value) in map.Children)
        {
            if (context.IsKey(key, "id"))
            {
                id = context.Scalar(value, "rules[].id");
            }
        }

        if (id is null)
        {
            context.Error(node, "a rule needs an id");
            return null;
        }

        var path = $"rule {id}";
        existing.TryGetValue(id, out var basis);
        string? family = basis?.Family;
        var severity = basis?.Severity;
        var paranoia = basis?.Paranoia;
        var zones = basis?.Zones ?? RuleZone.None;
        var view = basis?.View ?? RuleView.Decoded;
        IReadOnlyList<string> headers = basis?.Headers ?? [];
        string? pattern = basis?.Pattern;
        YamlNode? patternNode = null;
        var message = basis?.Message;
        IReadOnlyList<string> prefilter = basis?.PrefilterWords ?? [];
        foreach (var (key, value) in context.Entries(map, path, RuleKeys))
        {
            switch (key)
            {
                case "family":
                    family = context.Choice(value, $"{path}: family", RuleFamilies.All) ?? family;
                    break;
                case "severity":
                    severity = context.Choice(value, $"{path}: severity", Severities) is { } s ? Enum.Parse<Severity>(s, ignoreCase: true) : severity;
                    break;
                case "paranoia":
                    paranoia = context.Integer(value, $"{path}: paranoia", 1, 4) ?? paranoia;
                    break;
                case "zones":
                    zones = ReadZones(value, context, path) ?? zones;
                    break;
                case "view":
                    view = context.Choice(value, $"{path}: view", Views) switch
                    {
                        "raw" => RuleView.Raw,
                        "command-line" => RuleView.CommandLine,
                        "sql" => RuleView.Sql,
                        "decoded" => RuleView.Decoded,
                        _ => view,
                    };
                    break;
                case "headers":
                    if (context.Sequence(value, $"{path}: headers", "[user-agent, referer]") is { } names)
                    {
                        headers = [.. names.Select(n => context.Scalar(n, $"{path}: headers[]")).OfType<string>().Select(n => n.ToLowerInvariant())];
                    }

                    break;
                case "pattern":
                    pattern = context.Scalar(value, $"{path}: pattern");
                    patternNode = value;
                    break;
                case "message":
                    message = context.Scalar(value, $"{path}: message");
                    break;
                case "prefilter":
                    if (context.Sequence(value, $"{path}: prefilter", "[select, union]") is { } words)
                    {
                        prefilter = [.. words.Select(w => context.Scalar(w, $"{path}: prefilter[]")).OfType<string>().Where(w => w.Length > 0)];
                    }

                    break;
            }
        }

        if (family is null || severity is null || paranoia is null || zones == RuleZone.None || pattern is null)
        {
            var missing = new[] { ("family", family is null), ("severity", severity is null), ("paranoia", paranoia is null), ("zones", zones == RuleZone.None), ("pattern", pattern is null) }
                .Where(m => m.Item2).Select(m => m.Item1);
            context.Error(node, $"{path} is new and needs {string.Join(", ", missing)}");
            return null;
        }

        if (family == RuleFamilies.PromptInjection ? zones != RuleZone.Prompt : (zones & RuleZone.Prompt) != 0)
        {
            // The design decision this engine rests on: message content is natural language and may hold any code.
            context.Error(node, $"{path}: only prompt-injection rules look at the 'prompt' zone, and they look at nothing else");
            return null;
        }

        Regex regex;
        if (basis is not null && ReferenceEquals(pattern, basis.Pattern))
        {
            regex = basis.Regex;
        }
        else
        {
            try
            {
                regex = Compile(pattern, options, matchTimeout);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                context.Error(patternNode ?? node, $"{path}: the pattern is not a usable regular expression: {e.Message}");
                return null;
            }
        }

        if (context.Errors.Count > errorsBefore)
        {
            return null;
        }

        var where = $"{context.File}:{node.Start.Line}:{node.Start.Column}";
        return new SecurityRule(id, family, severity.Value, paranoia.Value, zones, view, pattern, regex, message ?? id, headers, where)
        {
            Prefilter = prefilter.Count == 0 ? null : new RulePrefilter(prefilter),
        };
    }

    private static RuleZone? ReadZones(YamlNode node, ConfigReadContext context, string path)
    {
        if (context.Sequence(node, $"{path}: zones", "[args, path]") is not { } list)
        {
            return null;
        }

        var zones = RuleZone.None;
        foreach (var item in list)
        {
            if (context.Choice(item, $"{path}: zones[]", RuleZoneNames.ByName.Keys.ToArray()) is { } name)
            {
                zones |= RuleZoneNames.ByName[name];
            }
        }

        return zones;
    }
}
