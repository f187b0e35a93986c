using Aigis.Core.Security.Inspection;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Tests.Security;

/// <summary>Compiled rules cost megabytes that stay resident: none when nothing is inspected, one automaton per distinct gate.</summary>
public sealed class RuleCompilationCostTests
{
    [Fact]
    public void With_inspection_off_no_rule_is_compiled()
    {
        var policy = SecurityPolicy.Build(new Aigis.Core.Configuration.SecurityConfig { Mode = Aigis.Core.Configuration.SecurityMode.Off }).Policy;

        Assert.False(policy.Enabled);
        Assert.Empty(policy.Rules.Rules);
        Assert.Equal((0, 0), policy.Rules.Shape());
    }

    [Fact]
    public void Zones_gating_on_the_same_members_share_one_automaton()
    {
        var sql = RuleFileLoader.LoadText("""
            rules:
              - id: "T-1"
                family: "942"
                severity: critical
                paranoia: 1
                zones: [args, body, headers]
                pattern: 'union\s+select'
                message: one
              - id: "T-2"
                family: "942"
                severity: critical
                paranoia: 1
                zones: [args, body, headers]
                pattern: 'sleep\s*\(\s*\d+\s*\)'
                message: two
            """, "test.yaml", new Dictionary<string, SecurityRule>(), SecurityPolicy.MatchTimeout).Rules;

        var set = new RuleSet(sql, paranoia: 1, _ => true, SecurityPolicy.MatchTimeout);

        Assert.Equal((3, 1), set.Shape());
        var card = new ScoreCard();
        set.Scan(RuleZone.Headers, "x' union select 1", card);
        set.Scan(RuleZone.Body, "sleep(5)", card);
        Assert.Equal(["T-1", "T-2"], card.Matched.Select(r => r.Id).Order());
    }

    [Fact]
    public void Zones_share_one_gate_per_view_yet_each_zone_confirms_only_its_own_rules()
    {
        var rules = RuleFileLoader.LoadText("""
            rules:
              - id: "T-args"
                family: "942"
                severity: critical
                paranoia: 1
                zones: [args]
                pattern: 'union\s+select'
                message: args only
              - id: "T-body"
                family: "942"
                severity: critical
                paranoia: 1
                zones: [body]
                pattern: 'sleep\s*\('
                message: body only
            """, "test.yaml", new Dictionary<string, SecurityRule>(), SecurityPolicy.MatchTimeout).Rules;

        var set = new RuleSet(rules, paranoia: 1, _ => true, SecurityPolicy.MatchTimeout);

        Assert.Equal((2, 1), set.Shape());
        var body = new ScoreCard();
        set.Scan(RuleZone.Body, "x' union select 1", body);
        Assert.Empty(body.Matched);
        var args = new ScoreCard();
        set.Scan(RuleZone.Args, "x' union select 1 and sleep(5)", args);
        Assert.Equal(["T-args"], args.Matched.Select(r => r.Id).Where(id => id.StartsWith("T-", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_shipped_rules_compile_fewer_automata_than_groups()
    {
        var policy = SecurityPolicy.Build(new Aigis.Core.Configuration.SecurityConfig()).Policy;

        var (groups, automata) = policy.Rules.Shape();

        Assert.True(automata < groups, $"{automata} automata for {groups} groups");
    }
}
