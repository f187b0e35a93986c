using Aigis.Core.Configuration;

namespace Aigis.Core.Tests.Configuration;

/// <summary>The <c>security</c> section: defaults, every key read, the writer's round trip, and bad values with their location.</summary>
public sealed class SecurityConfigTests
{
    private const string Full = """
        security:
          mode: detect-only
          threshold: 8
          paranoia: 2
          disabledRules: ["942151"]
          families: {"920": off, "942": on}
          maxInspectSize: 32KiB
          promptInjection: {threshold: 4, action: block}
          firewall:
            allow: [10.0.0.0/8, "2001:db8::/32"]
            deny: [10.9.9.9]
            admin: {allow: [127.0.0.1]}
            services:
              search: {deny: [192.0.2.0/24]}
            trustedProxies: [10.1.0.0/16]
          limits: {maxHeaders: 50, maxHeaderSize: 16KiB, maxUrlLength: 4096}
          bans: {enabled: true, window: 30s, idsBlocks: 3, authFailures: 7, clientErrors: 40, banTime: 5m, maxBanTime: 2h}
        """;

    [Fact]
    public void Defaults_block_at_five_on_paranoia_one_and_flag_prompt_injection()
    {
        var security = ConfigLoader.LoadText("services: []", "d.yaml").Config!.Security;

        Assert.Equal(SecurityMode.Block, security.Mode);
        Assert.Equal(5, security.Threshold);
        Assert.Equal(1, security.Paranoia);
        Assert.Equal(PromptInjectionAction.Flag, security.PromptInjection.Action);
        Assert.True(security.Firewall.Public.IsEmpty);
        Assert.True(security.Bans.Enabled);
    }

    [Fact]
    public void Every_key_is_read_and_round_trips_through_the_writer()
    {
        var result = ConfigLoader.LoadText(Full, "full.yaml");
        Assert.Empty(result.Errors);
        var security = result.Config!.Security;
        Assert.Equal(SecurityMode.DetectOnly, security.Mode);
        Assert.Equal(8, security.Threshold);
        Assert.Equal(2, security.Paranoia);
        Assert.Equal(["942151"], security.DisabledRules);
        Assert.Equal(["920"], security.DisabledFamilies);
        Assert.Equal(32 * 1024, security.MaxInspectSize);
        Assert.Equal(new PromptInjectionConfig { Threshold = 4, Action = PromptInjectionAction.Block }, security.PromptInjection);
        Assert.Equal(2, security.Firewall.Public.Allow.Count);
        Assert.Equal("10.9.9.9/32", security.Firewall.Public.Deny[0].ToString());
        Assert.Single(security.Firewall.Admin.Allow);
        Assert.Single(security.Firewall.Services["search"].Deny);
        Assert.Single(security.Firewall.TrustedProxies);
        Assert.Equal(new RequestLimitsConfig { MaxHeaders = 50, MaxHeaderSize = 16 * 1024, MaxUrlLength = 4096 }, security.Limits);
        Assert.Equal(new BansConfig { Window = TimeSpan.FromSeconds(30), IdsBlocks = 3, AuthFailures = 7, ClientErrors = 40, BanTime = TimeSpan.FromMinutes(5), MaxBanTime = TimeSpan.FromHours(2) }, security.Bans);

        var written = ConfigWriter.ToYaml(result.Config);
        var again = ConfigLoader.LoadText(written, "written.yaml");
        Assert.Empty(again.Errors);
        Assert.Equal(written, ConfigWriter.ToYaml(again.Config!));
        Assert.Equal(security.Firewall, again.Config!.Security.Firewall);
        Assert.Equal(security.Bans, again.Config.Security.Bans);
    }

    [Theory]
    [InlineData("security:\n  mode: strict\n", 2, 9, "unknown value 'strict'")]
    [InlineData("security:\n  threshold: 0\n", 2, 14, "between 1 and 1000")]
    [InlineData("security:\n  paranoia: 5\n", 2, 13, "between 1 and 4")]
    [InlineData("security:\n  families: {\"999\": off}\n", 2, 14, "unknown key '999'")]
    [InlineData("security:\n  promptInjection: {action: drop}\n", 2, 29, "unknown value 'drop'")]
    [InlineData("security:\n  firewall: {allow: [10.0.0.0/33]}\n", 2, 22, "is not an IP address or CIDR block")]
    [InlineData("security:\n  firewall: {trustedProxies: [proxy.local]}\n", 2, 31, "is not an IP address or CIDR block")]
    [InlineData("security:\n  limits: {maxHeaders: 0}\n", 2, 24, "between 1 and 10000")]
    [InlineData("security:\n  bans: {banTime: 1h, maxBanTime: 10m}\n", 2, 9, "maxBanTime must not be shorter")]
    [InlineData("security:\n  ruleFiles: [/nonexistent/rules.yaml]\n", 1, 1, "cannot read the rule file")]
    [InlineData("security:\n  paranoya: 2\n", 2, 3, "did you mean 'paranoia'")]
    public void Bad_values_are_reported_where_they_are(string yaml, int line, int column, string message)
    {
        var result = ConfigLoader.LoadText(yaml, "bad.yaml");

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Line == line && e.Column == column && e.Message.Contains(message, StringComparison.Ordinal));
    }
}
