using Aigis.Core.Configuration;
using Aigis.Core.Security.Inspection;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Tests.Security;

/// <summary>Rules are data: user files add, override and disable rules; a bad file is refused with its location.</summary>
public sealed class RuleFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aigis-rules-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_bad_pattern_is_refused_with_file_line_and_column()
    {
        var path = Write("bad.yaml", """
            rules:
              - id: local-1
                family: "942"
                severity: critical
                paranoia: 1
                zones: [args]
                pattern: '(unclosed'
            """);

        var (_, errors) = DefaultRules.LoadWithUserFiles([path], [], SecurityPolicy.MatchTimeout);

        var error = Assert.Single(errors);
        Assert.StartsWith($"{path}:7:14: rule local-1: the pattern is not a usable regular expression", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_look_around_is_refused_because_it_could_backtrack()
    {
        var file = RuleFileLoader.LoadText("rules:\n  - {id: x, family: \"942\", severity: critical, paranoia: 1, zones: [args], pattern: 'a(?=b)'}\n", "la.yaml", new Dictionary<string, SecurityRule>(), SecurityPolicy.MatchTimeout);

        Assert.Contains(file.Errors, e => e.Line == 2 && e.Message.Contains("not a usable regular expression", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("rules:\n  - {id: x, family: \"999\", severity: critical, paranoia: 1, zones: [args], pattern: a}\n", "la.yaml:2:", "unknown value '999'")]
    [InlineData("rules:\n  - {id: x, family: \"942\", severity: fatal, paranoia: 1, zones: [args], pattern: a}\n", "la.yaml:2:", "unknown value 'fatal'")]
    [InlineData("rules:\n  - {id: x, family: \"942\", severity: critical, paranoia: 9, zones: [args], pattern: a}\n", "la.yaml:2:", "between 1 and 4")]
    [InlineData("rules:\n  - {id: x, family: \"942\", severity: critical, paranoia: 1, zones: [prompt], pattern: a}\n", "la.yaml:2:", "only prompt-injection rules look at the 'prompt' zone")]
    [InlineData("rules:\n  - {id: x, family: \"942\", severity: critical, paranoia: 1, zones: [argz], pattern: a}\n", "la.yaml:2:", "did you mean 'args'")]
    [InlineData("rules:\n  - {id: x, family: \"942\"}\n", "la.yaml:2:", "needs severity, paranoia, zones, pattern")]
    [InlineData("rules: [\n", "la.yaml:", "invalid YAML")]
    public void Every_problem_has_a_location(string text, string location, string message)
    {
        var file = RuleFileLoader.LoadText(text, "la.yaml", new Dictionary<string, SecurityRule>(), SecurityPolicy.MatchTimeout);

        Assert.Contains(file.Errors, e => e.ToString().StartsWith(location, StringComparison.Ordinal) && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Users_add_override_and_disable_rules_by_id()
    {
        var path = Write("local.yaml", """
            rules:
              - id: local-secret-path
                family: "930"
                severity: critical
                paranoia: 1
                zones: [path]
                pattern: '^/internal/'
              - id: "941110"
                paranoia: 3
            disable: ["942151"]
            """);

        var (rules, errors) = DefaultRules.LoadWithUserFiles([path], ["942160"], SecurityPolicy.MatchTimeout);
        Assert.Empty(errors);
        var set = new RuleSet(rules, 1, _ => true, SecurityPolicy.MatchTimeout);

        Assert.Contains(set.Rules, r => r.Id == "local-secret-path");
        Assert.DoesNotContain(set.Rules, r => r.Id is "941110" or "942151" or "942160");
        Assert.Equal(3, rules.Single(r => r.Id == "941110").Paranoia);
        Assert.Equal(RuleZone.Path | RuleZone.Args | RuleZone.ArgNames | RuleZone.Cookies | RuleZone.Headers | RuleZone.Body | RuleZone.ModelFields, rules.Single(r => r.Id == "941110").Zones);
        var card = new ScoreCard();
        WebRequestInspector.InspectTarget(set, "GET", "/internal/admin", card);
        Assert.Equal(5, card.FamilyScore("930"));
    }

    [Fact]
    public void A_config_naming_a_bad_rule_file_is_invalid_with_the_rule_files_location()
    {
        var path = Write("bad.yaml", "rules:\n  - {id: x, family: \"942\", severity: critical, paranoia: 1, zones: [args], pattern: '['}\n");

        var result = ConfigLoader.LoadText($"security:\n  ruleFiles: [\"{path}\"]\n", "aigis.yaml");

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Source == path && e.Line == 2);
    }

    [Fact]
    public void Shipped_rules_all_load_and_have_distinct_ids()
    {
        var rules = DefaultRules.Load(SecurityPolicy.MatchTimeout);

        Assert.True(rules.Count > 80);
        Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(rules.Where(r => r.Family == RuleFamilies.PromptInjection), r => Assert.Equal(RuleZone.Prompt, r.Zones));
        Assert.All(rules.Where(r => r.Family != RuleFamilies.PromptInjection), r => Assert.Equal(RuleZone.None, r.Zones & RuleZone.Prompt));
    }
}
