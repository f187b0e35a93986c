using System.Globalization;
using System.Net;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration;

/// <summary>The <c>security</c> section for <see cref="ConfigWriter"/>, every value explicit.</summary>
internal static class SecurityConfigWriter
{
    public static YamlMappingNode ToNode(SecurityConfig security)
    {
        var families = new YamlMappingNode();
        foreach (var family in Security.Rules.RuleFamilies.All)
        {
            families.Add(Quoted(family), Plain(security.DisabledFamilies.Contains(family) ? "off" : "on"));
        }

        var services = new YamlMappingNode();
        foreach (var (name, lists) in security.Firewall.Services.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            services.Add(Quoted(name), Lists(lists));
        }

        var firewall = Lists(security.Firewall.Public);
        firewall.Add("admin", Lists(security.Firewall.Admin));
        firewall.Add("services", services);
        firewall.Add("trustedProxies", Networks(security.Firewall.TrustedProxies));

        return new YamlMappingNode
        {
            { "mode", Plain(security.Mode switch { SecurityMode.DetectOnly => "detect-only", SecurityMode.Off => "off", _ => "block" }) },
            { "threshold", Plain(Number(security.Threshold)) },
            { "paranoia", Plain(Number(security.Paranoia)) },
            { "ruleFiles", new YamlSequenceNode(security.RuleFiles.Select(f => (YamlNode)Quoted(f))) },
            { "disabledRules", new YamlSequenceNode(security.DisabledRules.Select(r => (YamlNode)Quoted(r))) },
            { "families", families },
            { "maxInspectSize", Plain(SizeParser.Format(security.MaxInspectSize)) },
            {
                "promptInjection", new YamlMappingNode
                {
                    { "threshold", Plain(Number(security.PromptInjection.Threshold)) },
                    { "action", Plain(security.PromptInjection.Action.ToString().ToLowerInvariant()) },
                }
            },
            { "firewall", firewall },
            {
                "limits", new YamlMappingNode
                {
                    { "maxHeaders", Plain(Number(security.Limits.MaxHeaders)) },
                    { "maxHeaderSize", Plain(SizeParser.Format(security.Limits.MaxHeaderSize)) },
                    { "maxUrlLength", Plain(Number(security.Limits.MaxUrlLength)) },
                }
            },
            {
                "bans", new YamlMappingNode
                {
                    { "enabled", Plain(security.Bans.Enabled ? "true" : "false") },
                    { "window", Plain(DurationParser.Format(security.Bans.Window)) },
                    { "idsBlocks", Plain(Number(security.Bans.IdsBlocks)) },
                    { "authFailures", Plain(Number(security.Bans.AuthFailures)) },
                    { "clientErrors", Plain(Number(security.Bans.ClientErrors)) },
                    { "banTime", Plain(DurationParser.Format(security.Bans.BanTime)) },
                    { "maxBanTime", Plain(DurationParser.Format(security.Bans.MaxBanTime)) },
                }
            },
        };
    }

    private static YamlMappingNode Lists(CidrLists lists) => new()
    {
        { "allow", Networks(lists.Allow) },
        { "deny", Networks(lists.Deny) },
    };

    private static YamlSequenceNode Networks(IReadOnlyList<IPNetwork> networks) =>
        new(networks.Select(n => (YamlNode)Quoted(n.ToString())));

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static YamlScalarNode Plain(string value) => new(value) { Style = ScalarStyle.Plain };

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };
}
