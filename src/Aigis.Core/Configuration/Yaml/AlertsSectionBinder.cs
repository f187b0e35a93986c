using Aigis.Core.Alerts;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds the <c>alerts</c> section: the interval, webhooks, and rules (each expression parsed and checked here).</summary>
internal static class AlertsSectionBinder
{
    public static readonly string[] Keys = ["interval", "defaults", "webhooks", "rules"];
    private static readonly string[] s_webhookKeys = ["name", "url", "timeout", "retries", "backoff"];
    private static readonly string[] s_ruleKeys = ["name", "expr", "by", "for", "severity", "notify", "remediation", "summary"];
    private static readonly string[] s_severities = ["info", "warning", "critical"];
    private static readonly string[] s_remediations = ["none", "eject-instance", "restart-instance", "scale-up"];

    public static AlertsConfig Bind(YamlNode node, ConfigReadContext context)
    {
        var config = new AlertsConfig();
        if (context.Mapping(node, "alerts") is not { } map)
        {
            return config;
        }

        YamlNode? rulesNode = null;
        foreach (var (key, value) in context.Entries(map, "alerts", Keys))
        {
            switch (key)
            {
                case "interval":
                    config = config with { Interval = context.Duration(value, "alerts.interval", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)) ?? config.Interval };
                    break;
                case "defaults":
                    config = config with { Defaults = context.Boolean(value, "alerts.defaults") != false };
                    break;
                case "webhooks":
                    config = config with { Webhooks = Webhooks(value, context) };
                    break;
                default:
                    rulesNode = value;
                    break;
            }
        }

        if (rulesNode is not null)
        {
            config = config with { Rules = Rules(rulesNode, config.Webhooks, context) };
        }

        return config;
    }

    private static List<WebhookConfig> Webhooks(YamlNode node, ConfigReadContext context)
    {
        var webhooks = new List<WebhookConfig>();
        if (context.Sequence(node, "alerts.webhooks", "- {name: ops, url: http://127.0.0.1:9000/hook}") is not { } list)
        {
            return webhooks;
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"alerts.webhooks[{i}]";
            if (context.Mapping(list.Children[i], path) is not { } map)
            {
                continue;
            }

            string? name = null;
            Uri? url = null;
            var webhook = new WebhookConfig { Name = "", Url = new Uri("http://127.0.0.1/") };
            foreach (var (key, value) in context.Entries(map, path, s_webhookKeys))
            {
                switch (key)
                {
                    case "name":
                        name = RuleName(value, $"{path}.name", context);
                        if (name is not null && (name == AlertRule.LogTarget || webhooks.Any(w => w.Name == name)))
                        {
                            context.Error(value, $"{path}.name: '{name}' is {(name == AlertRule.LogTarget ? "reserved for the log target" : "already used by another webhook")}");
                            name = null;
                        }

                        break;
                    case "url":
                        url = context.HttpUrl(value, $"{path}.url");
                        break;
                    case "timeout":
                        webhook = webhook with { Timeout = context.Duration(value, $"{path}.timeout", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)) ?? webhook.Timeout };
                        break;
                    case "retries":
                        webhook = webhook with { Retries = context.Integer(value, $"{path}.retries", 0, 10) ?? webhook.Retries };
                        break;
                    default:
                        webhook = webhook with { Backoff = context.Duration(value, $"{path}.backoff", TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5)) ?? webhook.Backoff };
                        break;
                }
            }

            if (!map.Children.Keys.Any(k => context.IsKey(k, "name")) || !map.Children.Keys.Any(k => context.IsKey(k, "url")))
            {
                context.Error(map, $"{path}: a webhook needs a 'name' and a 'url'");
            }

            if (name is not null && url is not null)
            {
                webhooks.Add(webhook with { Name = name, Url = url });
            }
        }

        return webhooks;
    }

    private static List<AlertRule> Rules(YamlNode node, IReadOnlyList<WebhookConfig> webhooks, ConfigReadContext context)
    {
        var rules = new List<AlertRule>();
        if (context.Sequence(node, "alerts.rules", "- {name: errors, expr: 'rate(aigis.requests[5m]) > 100'}") is not { } list)
        {
            return rules;
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"alerts.rules[{i}]";
            if (context.Mapping(list.Children[i], path) is not { } map)
            {
                continue;
            }

            string? name = null;
            AlertExpression? expression = null;
            var rule = new AlertRule { Name = "", Expression = null! };
            var valid = true;
            foreach (var (key, value) in context.Entries(map, path, s_ruleKeys))
            {
                switch (key)
                {
                    case "name":
                        name = RuleName(value, $"{path}.name", context);
                        if (name is not null && rules.Any(r => r.Name == name))
                        {
                            context.Error(value, $"{path}.name: duplicate rule name '{name}'");
                            name = null;
                        }

                        break;
                    case "expr":
                        if (context.Scalar(value, $"{path}.expr") is { } text)
                        {
                            if (AlertExpressionParser.TryParse(text, out expression, out var error))
                            {
                                break;
                            }

                            context.Error(value, $"{path}.expr: {error}");
                        }

                        valid = false;
                        break;
                    case "by":
                        var by = context.Scalar(value, $"{path}.by");
                        if (by is not null && !IsLabel(by))
                        {
                            context.Error(value, $"{path}.by: '{by}' is not a label name (e.g. service)");
                            valid = false;
                        }

                        rule = rule with { By = by };
                        break;
                    case "for":
                        rule = rule with { For = context.Duration(value, $"{path}.for", TimeSpan.Zero, TimeSpan.FromHours(24)) ?? rule.For };
                        break;
                    case "severity":
                        rule = rule with
                        {
                            Severity = context.Choice(value, $"{path}.severity", s_severities) switch
                            {
                                "info" => AlertSeverity.Info,
                                "critical" => AlertSeverity.Critical,
                                _ => AlertSeverity.Warning,
                            },
                        };
                        break;
                    case "notify":
                        rule = rule with { Notify = Notify(value, $"{path}.notify", webhooks, context, ref valid) };
                        break;
                    case "remediation":
                        rule = rule with
                        {
                            Remediation = context.Choice(value, $"{path}.remediation", s_remediations) switch
                            {
                                "eject-instance" => AlertRemediation.EjectInstance,
                                "restart-instance" => AlertRemediation.RestartInstance,
                                "scale-up" => AlertRemediation.ScaleUp,
                                _ => AlertRemediation.None,
                            },
                        };
                        break;
                    default:
                        rule = rule with { Summary = context.Scalar(value, $"{path}.summary") };
                        break;
                }
            }

            if (!map.Children.Keys.Any(k => context.IsKey(k, "name")) || !map.Children.Keys.Any(k => context.IsKey(k, "expr")))
            {
                context.Error(map, $"{path}: a rule needs a 'name' and an 'expr'");
                continue;
            }

            if (rule.Remediation != AlertRemediation.None && rule.By != "service")
            {
                context.Error(map, $"{path}: a remediation acts on one service, so the rule needs 'by: service'");
                continue;
            }

            if (valid && name is not null && expression is not null)
            {
                rules.Add(rule with { Name = name, Expression = expression });
            }
        }

        return rules;
    }

    private static List<string> Notify(YamlNode node, string path, IReadOnlyList<WebhookConfig> webhooks, ConfigReadContext context, ref bool valid)
    {
        var targets = new List<string>();
        IEnumerable<YamlNode> items = node is YamlSequenceNode sequence ? sequence.Children : [node];
        var known = webhooks.Select(w => w.Name).Append(AlertRule.LogTarget).ToArray();
        foreach (var item in items)
        {
            if (context.Scalar(item, path) is not { } target)
            {
                valid = false;
                continue;
            }

            if (!known.Contains(target))
            {
                context.Error(item, $"{path}: unknown target '{target}'; use 'log' or the name of one of alerts.webhooks{DidYouMean.Hint(target, known)}");
                valid = false;
                continue;
            }

            targets.Add(target);
        }

        return targets;
    }

    private static string? RuleName(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.Scalar(node, path) is not { } name)
        {
            return null;
        }

        if (!ServiceNames.IsValid(name))
        {
            context.Error(node, $"{path}: '{name}' must be lower-case letters, digits and dashes (e.g. error-ratio)");
            return null;
        }

        return name;
    }

    private static bool IsLabel(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
