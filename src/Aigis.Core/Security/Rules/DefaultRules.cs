using Aigis.Core.Configuration;

namespace Aigis.Core.Security.Rules;

/// <summary>The rules shipped inside aigis (embedded YAML, one file per family), compiled once per match timeout.</summary>
public static class DefaultRules
{
    private const string Prefix = "Aigis.Core.Security.DefaultRules.";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<TimeSpan, IReadOnlyList<SecurityRule>> s_cache = new();

    /// <summary>
    /// Every shipped rule, compiled once per match timeout and shared (compiled patterns are immutable and
    /// thread-safe). A problem in a shipped file is a bug in aigis, so it throws.
    /// </summary>
    public static IReadOnlyList<SecurityRule> Load(TimeSpan matchTimeout) => s_cache.GetOrAdd(matchTimeout, LoadUncached);

    private static IReadOnlyList<SecurityRule> LoadUncached(TimeSpan matchTimeout)
    {
        var assembly = typeof(DefaultRules).Assembly;
        var rules = new List<SecurityRule>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var file = RuleFileLoader.LoadText(reader.ReadToEnd(), "(built-in)/" + name[Prefix.Length..], new Dictionary<string, SecurityRule>(), matchTimeout, RuleFileLoader.ShippedOptions);
            if (!file.IsValid)
            {
                throw new InvalidOperationException("The shipped rules are invalid: " + string.Join("; ", file.Errors.Select(e => e.ToString())));
            }

            rules.AddRange(file.Rules);
        }

        return rules;
    }

    /// <summary>
    /// The shipped rules with user rule files applied in order: a rule with a known id replaces (or amends)
    /// it, a new id adds a rule, and <c>disable:</c> removes rules. Every problem is reported with its location.
    /// </summary>
    public static (IReadOnlyList<SecurityRule> Rules, IReadOnlyList<ConfigError> Errors) LoadWithUserFiles(IEnumerable<string> paths, IEnumerable<string> disabled, TimeSpan matchTimeout)
    {
        var byId = new Dictionary<string, SecurityRule>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var rule in Load(matchTimeout))
        {
            byId[rule.Id] = rule;
            order.Add(rule.Id);
        }

        var errors = new List<ConfigError>();
        var off = new HashSet<string>(disabled, StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var file = RuleFileLoader.LoadFile(path, byId, matchTimeout);
            errors.AddRange(file.Errors);
            foreach (var rule in file.Rules)
            {
                if (!byId.ContainsKey(rule.Id))
                {
                    order.Add(rule.Id);
                }

                byId[rule.Id] = rule;
            }

            off.UnionWith(file.Disabled);
        }

        return ([.. order.Where(id => !off.Contains(id)).Select(id => byId[id])], errors);
    }
}
