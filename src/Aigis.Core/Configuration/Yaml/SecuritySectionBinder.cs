using System.Net;
using Aigis.Core.Security.Rules;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds the <c>security</c> section (firewall, limits, intrusion detection, bans).</summary>
internal static class SecuritySectionBinder
{
    public static readonly string[] Keys = ["mode", "threshold", "paranoia", "ruleFiles", "disabledRules", "families", "maxInspectSize", "promptInjection", "firewall", "limits", "bans"];
    private static readonly string[] s_modes = ["block", "detect-only", "off"];
    private static readonly string[] s_actions = ["block", "flag", "log"];
    private static readonly string[] s_onOff = ["on", "off"];

    public static SecurityConfig Bind(YamlNode node, ConfigReadContext context)
    {
        var config = new SecurityConfig();
        if (context.Mapping(node, "security") is not { } map)
        {
            return config;
        }

        foreach (var (key, value) in context.Entries(map, "security", Keys))
        {
            config = key switch
            {
                "mode" => context.Choice(value, "security.mode", s_modes) switch
                {
                    "detect-only" => config with { Mode = SecurityMode.DetectOnly },
                    "off" => config with { Mode = SecurityMode.Off },
                    "block" => config with { Mode = SecurityMode.Block },
                    _ => config,
                },
                "threshold" => config with { Threshold = context.Integer(value, "security.threshold", 1, 1000) ?? config.Threshold },
                "paranoia" => config with { Paranoia = context.Integer(value, "security.paranoia", 1, 4) ?? config.Paranoia },
                "ruleFiles" => config with { RuleFiles = RuleFiles(value, context) },
                "disabledRules" => config with { DisabledRules = Strings(value, "security.disabledRules", "[\"942151\"]", context) },
                "families" => config with { DisabledFamilies = Families(value, context) },
                "maxInspectSize" => config with { MaxInspectSize = context.Size(value, "security.maxInspectSize", 1024, 16L << 20) ?? config.MaxInspectSize },
                "promptInjection" => config with { PromptInjection = PromptInjection(value, context) },
                "firewall" => config with { Firewall = Firewall(value, context) },
                "limits" => config with { Limits = Limits(value, context) },
                _ => config with { Bans = Bans(value, context) },
            };
        }

        return config;
    }

    /// <summary>Each file is loaded now, so <c>aigis validate</c> reports a bad rule with its own FILE:LINE:COL.</summary>
    private static string[] RuleFiles(YamlNode node, ConfigReadContext context)
    {
        var files = Strings(node, "security.ruleFiles", "[./rules/local.yaml]", context);
        var (_, errors) = DefaultRules.LoadWithUserFiles(files, [], Security.Inspection.SecurityPolicy.MatchTimeout);
        context.Errors.AddRange(errors);
        return files;
    }

    private static string[] Strings(YamlNode node, string path, string example, ConfigReadContext context) =>
        context.Sequence(node, path, example) is { } list ? [.. list.Select(item => context.Scalar(item, $"{path}[]")).OfType<string>()] : [];

    /// <summary><c>families: {"920": off, "942": on}</c>.</summary>
    private static string[] Families(YamlNode node, ConfigReadContext context)
    {
        var disabled = new List<string>();
        if (context.Mapping(node, "security.families") is not { } map)
        {
            return [];
        }

        foreach (var (family, value) in context.Entries(map, "security.families", RuleFamilies.All))
        {
            if (context.Choice(value, $"security.families.{family}", s_onOff) == "off")
            {
                disabled.Add(family);
            }
        }

        return [.. disabled];
    }

    private static PromptInjectionConfig PromptInjection(YamlNode node, ConfigReadContext context)
    {
        var config = new PromptInjectionConfig();
        if (context.Mapping(node, "security.promptInjection") is not { } map)
        {
            return config;
        }

        foreach (var (key, value) in context.Entries(map, "security.promptInjection", ["threshold", "action"]))
        {
            config = key == "threshold"
                ? config with { Threshold = context.Integer(value, "security.promptInjection.threshold", 1, 1000) ?? config.Threshold }
                : context.Choice(value, "security.promptInjection.action", s_actions) switch
                {
                    "block" => config with { Action = PromptInjectionAction.Block },
                    "log" => config with { Action = PromptInjectionAction.Log },
                    "flag" => config with { Action = PromptInjectionAction.Flag },
                    _ => config,
                };
        }

        return config;
    }

    private static FirewallConfig Firewall(YamlNode node, ConfigReadContext context)
    {
        var config = new FirewallConfig();
        if (context.Mapping(node, "security.firewall") is not { } map)
        {
            return config;
        }

        var publicLists = new CidrLists();
        foreach (var (key, value) in context.Entries(map, "security.firewall", ["allow", "deny", "admin", "services", "trustedProxies"]))
        {
            switch (key)
            {
                case "allow":
                    publicLists = publicLists with { Allow = Networks(value, "security.firewall.allow", context) };
                    break;
                case "deny":
                    publicLists = publicLists with { Deny = Networks(value, "security.firewall.deny", context) };
                    break;
                case "admin":
                    config = config with { Admin = Lists(value, "security.firewall.admin", context) };
                    break;
                case "trustedProxies":
                    config = config with { TrustedProxies = Networks(value, "security.firewall.trustedProxies", context) };
                    break;
                case "services":
                    if (context.Mapping(value, "security.firewall.services") is { } services)
                    {
                        var byName = new Dictionary<string, CidrLists>(StringComparer.Ordinal);
                        foreach (var (nameNode, lists) in services.Children)
                        {
                            if (context.Scalar(nameNode, "security.firewall.services") is { } name)
                            {
                                byName[name] = Lists(lists, $"security.firewall.services.{name}", context);
                            }
                        }

                        config = config with { Services = byName };
                    }

                    break;
            }
        }

        return config with { Public = publicLists };
    }

    private static CidrLists Lists(YamlNode node, string path, ConfigReadContext context)
    {
        var lists = new CidrLists();
        if (context.Mapping(node, path) is not { } map)
        {
            return lists;
        }

        foreach (var (key, value) in context.Entries(map, path, ["allow", "deny"]))
        {
            lists = key == "allow"
                ? lists with { Allow = Networks(value, $"{path}.allow", context) }
                : lists with { Deny = Networks(value, $"{path}.deny", context) };
        }

        return lists;
    }

    /// <summary>A list of CIDR blocks or single addresses, IPv4 or IPv6.</summary>
    private static IPNetwork[] Networks(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.Sequence(node, path, "[10.0.0.0/8, \"2001:db8::/32\"]") is not { } list)
        {
            return [];
        }

        var networks = new List<IPNetwork>();
        foreach (var item in list)
        {
            if (context.Scalar(item, $"{path}[]") is not { } text)
            {
                continue;
            }

            if (Security.Firewall.NetworkList.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else
            {
                context.Error(item, $"{path}: '{text}' is not an IP address or CIDR block (e.g. 10.0.0.0/8 or 2001:db8::/32)");
            }
        }

        return [.. networks];
    }

    private static RequestLimitsConfig Limits(YamlNode node, ConfigReadContext context)
    {
        var config = new RequestLimitsConfig();
        if (context.Mapping(node, "security.limits") is not { } map)
        {
            return config;
        }

        foreach (var (key, value) in context.Entries(map, "security.limits", ["maxHeaders", "maxHeaderSize", "maxUrlLength"]))
        {
            config = key switch
            {
                "maxHeaders" => config with { MaxHeaders = context.Integer(value, "security.limits.maxHeaders", 1, 10_000) ?? config.MaxHeaders },
                "maxHeaderSize" => config with { MaxHeaderSize = context.Size(value, "security.limits.maxHeaderSize", 256, 1L << 20) ?? config.MaxHeaderSize },
                _ => config with { MaxUrlLength = context.Integer(value, "security.limits.maxUrlLength", 16, 1 << 20) ?? config.MaxUrlLength },
            };
        }

        return config;
    }

    private static BansConfig Bans(YamlNode node, ConfigReadContext context)
    {
        var config = new BansConfig();
        if (context.Mapping(node, "security.bans") is not { } map)
        {
            return config;
        }

        foreach (var (key, value) in context.Entries(map, "security.bans", ["enabled", "window", "idsBlocks", "authFailures", "clientErrors", "banTime", "maxBanTime"]))
        {
            config = key switch
            {
                "enabled" => context.Choice(value, "security.bans.enabled", ["true", "false"]) switch
                {
                    "false" => config with { Enabled = false },
                    "true" => config with { Enabled = true },
                    _ => config,
                },
                "window" => config with { Window = context.Duration(value, "security.bans.window", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)) ?? config.Window },
                "idsBlocks" => config with { IdsBlocks = context.Integer(value, "security.bans.idsBlocks", 1, 100_000) ?? config.IdsBlocks },
                "authFailures" => config with { AuthFailures = context.Integer(value, "security.bans.authFailures", 1, 100_000) ?? config.AuthFailures },
                "clientErrors" => config with { ClientErrors = context.Integer(value, "security.bans.clientErrors", 1, 1_000_000) ?? config.ClientErrors },
                "banTime" => config with { BanTime = context.Duration(value, "security.bans.banTime", TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)) ?? config.BanTime },
                _ => config with { MaxBanTime = context.Duration(value, "security.bans.maxBanTime", TimeSpan.FromSeconds(1), TimeSpan.FromDays(365)) ?? config.MaxBanTime },
            };
        }

        if (config.MaxBanTime < config.BanTime)
        {
            context.Error(node, "security.bans.maxBanTime must not be shorter than security.bans.banTime");
        }

        return config;
    }
}
