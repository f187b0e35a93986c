using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration;

/// <summary>
/// Writes a configuration back as YAML in the same vocabulary the loader reads, every value explicit;
/// used to show the effective config (after defaults and overrides), and in tests to prove the round trip.
/// </summary>
public static class ConfigWriter
{
    public static string ToYaml(AigisConfig config)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(Root(config))).Save(writer, assignAnchors: false);
        var text = writer.ToString();

        // YamlDotNet ends a saved stream with a document end marker; a config file has none.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text.Replace("\r\n...\r\n", "\r\n", StringComparison.Ordinal);
    }

    /// <summary>Each top-level section of <paramref name="config"/> as the writer renders it, by key.</summary>
    public static IReadOnlyDictionary<string, YamlNode> Sections(AigisConfig config) =>
        Root(config).Children.ToDictionary(pair => ((YamlScalarNode)pair.Key).Value!, pair => pair.Value, StringComparer.Ordinal);

    private static YamlMappingNode Root(AigisConfig config)
    {
        var root = new YamlMappingNode
        {
            {
                "gateway", new YamlMappingNode
                {
                    { "listen", Plain(config.Gateway.Listen.OriginalString) },
                    { "admin", Plain(config.Gateway.Admin.OriginalString) },
                    { "maxBodySize", Plain(SizeParser.Format(config.Gateway.MaxBodySize)) },
                    { "auth", Plain(config.Gateway.Auth == AuthMode.Disabled ? "disabled" : "required") },
                    { "shutdownTimeout", Plain(DurationParser.Format(config.Gateway.ShutdownTimeout)) },
                }
            },
            { "store", new YamlMappingNode { { "path", Quoted(config.Store.Path) } } },
            { "services", new YamlSequenceNode(config.Services.Select(Service)) },
            { "telemetry", TelemetryWriter.Telemetry(config.Telemetry) },
            { "alerts", TelemetryWriter.Alerts(config.Alerts) },
            { "security", SecurityConfigWriter.ToNode(config.Security) },
        };
        if (config.Usage.Encoding is not null || config.Usage.Models.Count > 0)
        {
            root.Add("usage", Usage(config.Usage));
        }

        if (config.Docker.Host is { } dockerHost)
        {
            root.Add("docker", new YamlMappingNode { { "host", Plain(dockerHost.OriginalString) } });
        }

        if (config.Jwt is { } jwt)
        {
            var node = new YamlMappingNode { { "issuer", Quoted(jwt.Issuer) }, { "audience", Quoted(jwt.Audience) } };
            if (jwt.SecretFile is { } secretFile)
            {
                node.Add("secretFile", Quoted(secretFile));
            }

            if (jwt.JwksFile is { } jwksFile)
            {
                node.Add("jwksFile", Quoted(jwksFile));
            }

            node.Add("clockSkew", Plain(DurationParser.Format(jwt.ClockSkew)));
            node.Add("tenantClaim", Quoted(jwt.TenantClaim));
            node.Add("roleClaim", Quoted(jwt.RoleClaim));
            root.Add("jwt", node);
        }

        return root;
    }

    private static YamlMappingNode Service(ServiceConfig service)
    {
        var node = new YamlMappingNode
        {
            { "name", Plain(service.Name) },
            { "kind", Plain(service.Kind == ServiceKind.Llm ? "llm" : "http") },
        };
        if (service.Kind == ServiceKind.Llm)
        {
            node.Add("models", new YamlSequenceNode(service.Models.Select(m => (YamlNode)Quoted(m))));
        }

        node.Add("balancer", Plain(service.Balancer));
        if (service.Balancing != new Balancing.BalancingOptions())
        {
            node.Add("balancing", Balancing(service.Balancing));
        }
        if (service.Admission != new Admission.AdmissionOptions())
        {
            node.Add("admission", Admission(service.Admission));
        }

        if (service.Cache != new Caching.ResponseCacheOptions())
        {
            node.Add("cache", Cache(service.Cache));
        }

        if (!service.Resources.IsEmpty)
        {
            node.Add("resources", Resources(service.Resources));
        }

        node.Add("runtime", Plain(service.Runtime switch
        {
            RuntimeKind.Process => "process",
            RuntimeKind.Kubernetes => "kubernetes",
            RuntimeKind.Docker => "docker",
            _ => "static",
        }));
        node.Add("timeouts", new YamlMappingNode
        {
            { "connect", Plain(DurationParser.Format(service.Timeouts.Connect)) },
            { "firstByte", Plain(DurationParser.Format(service.Timeouts.FirstByte)) },
            { "idle", Plain(DurationParser.Format(service.Timeouts.Idle)) },
            { "total", Plain(DurationParser.Format(service.Timeouts.Total)) },
        });
        ResilienceWriter.Add(node, service);
        RolloutWriter.Add(node, service);
        if (service.Process is { } process)
        {
            node.Add("process", Process(process));
        }
        else if (service.Kubernetes is { } kubernetes)
        {
            node.Add("kubernetes", KubernetesWriter.ToNode(kubernetes));
        }
        else if (service.Docker is { } docker)
        {
            node.Add("docker", DockerWriter.ToNode(docker));
        }
        else
        {
            node.Add("instances", new YamlSequenceNode(service.Instances.Select(i => (YamlNode)new YamlMappingNode
            {
                { "id", Quoted(i.Id) },
                { "url", Plain(i.Url.OriginalString) },
            })));
        }

        return node;
    }

    private static YamlMappingNode Resources(ResourcesConfig resources)
    {
        var node = new YamlMappingNode();
        if (resources.CpuMilli > 0)
        {
            node.Add("cpu", Quoted(resources.CpuQuantity));
        }

        if (resources.MemoryBytes > 0)
        {
            node.Add("memory", Quoted(resources.MemoryQuantity));
        }

        if (resources.Gpus > 0)
        {
            node.Add("gpus", Plain(resources.Gpus.ToString(CultureInfo.InvariantCulture)));
        }

        if (resources.GpuMilli > 0)
        {
            node.Add("gpuShare", Plain((resources.GpuMilli / (double)ResourcesConfig.WholeGpuMilli).ToString(CultureInfo.InvariantCulture)));
        }

        if (resources.GpuModels.Count > 0)
        {
            node.Add("gpuModels", new YamlSequenceNode(resources.GpuModels.Select(m => (YamlNode)Quoted(m))));
        }

        if (resources.MaxPerNode > 0)
        {
            node.Add("maxPerNode", Plain(resources.MaxPerNode.ToString(CultureInfo.InvariantCulture)));
        }

        return node;
    }

    private static YamlMappingNode Process(ProcessConfig process) => new()
    {
        { "command", Quoted(process.Command) },
        { "args", new YamlSequenceNode(process.Args.Select(a => (YamlNode)Quoted(a))) },
        { "replicas", Plain(process.Replicas.ToString(CultureInfo.InvariantCulture)) },
        { "healthPath", Quoted(process.HealthPath) },
        { "startTimeout", Plain(DurationParser.Format(process.StartTimeout)) },
        {
            "env", new YamlMappingNode(process.Env
                .OrderBy(pair => pair.Key, StringComparer.Ordinal)
                .Select(pair => new KeyValuePair<YamlNode, YamlNode>(Plain(pair.Key), Quoted(pair.Value))))
        },
    };

    private static YamlMappingNode Balancing(Balancing.BalancingOptions options)
    {
        static string Number(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return new YamlMappingNode
        {
            { "hashKey", Quoted(options.HashKey) },
            { "loadFactor", Plain(Number(options.LoadFactor)) },
            { "virtualNodes", Plain(options.VirtualNodes.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            { "scrapeInterval", Plain(DurationParser.Format(options.ScrapeInterval)) },
            { "staleAfter", Plain(DurationParser.Format(options.StaleAfter)) },
            { "prefixWeight", Plain(Number(options.PrefixWeight)) },
            { "queueWeight", Plain(Number(options.QueueWeight)) },
            { "inFlightWeight", Plain(Number(options.InFlightWeight)) },
            { "kvWeight", Plain(Number(options.KvWeight)) },
            { "prefillWeight", Plain(Number(options.PrefillWeight)) },
            { "prefillLoadWeight", Plain(Number(options.PrefillLoadWeight)) },
            { "overloadMargin", Plain(Number(options.OverloadMargin)) },
            { "prefixIndexCapacity", Plain(options.PrefixIndexCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
        };
    }

    private static YamlMappingNode Admission(Admission.AdmissionOptions options)
    {
        static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);
        return new YamlMappingNode
        {
            { "enabled", Plain(options.Enabled ? "true" : "false") },
            { "algorithm", Plain(options.Algorithm == Core.Admission.AdmissionAlgorithm.Fixed ? "fixed" : "gradient2") },
            { "initialLimit", Plain(Integer(options.InitialLimit)) },
            { "minLimit", Plain(Integer(options.MinLimit)) },
            { "maxLimit", Plain(Integer(options.MaxLimit)) },
            { "smoothing", Plain(Number(options.Smoothing)) },
            { "rttTolerance", Plain(Number(options.RttTolerance)) },
            { "longWindow", Plain(Integer(options.LongWindow)) },
            {
                "growth", Plain(options.Growth switch
                {
                    Core.Admission.LimitGrowth.Log10 => "log10",
                    Core.Admission.LimitGrowth.Constant => Integer(options.GrowthConstant),
                    _ => "sqrt",
                })
            },
            { "window", Plain(DurationParser.Format(options.Window)) },
            { "windowSamples", Plain(Integer(options.WindowSamples)) },
            {
                "queue", new YamlMappingNode
                {
                    { "maxSize", Plain(Integer(options.Queue.MaxSize)) },
                    { "maxWait", Plain(DurationParser.Format(options.Queue.MaxWait)) },
                }
            },
        };
    }

    private static YamlMappingNode Cache(Caching.ResponseCacheOptions options) => new()
    {
        { "enabled", Plain(options.Enabled ? "true" : "false") },
        { "scope", Plain(options.Scope == Caching.CacheScope.Shared ? "shared" : "tenant") },
        { "requests", Plain(options.Requests == Caching.CacheableRequests.All ? "all" : "deterministic") },
        { "ttl", Plain(DurationParser.Format(options.Ttl)) },
        { "maxBytes", Plain(SizeParser.Format(options.MaxBytes)) },
        { "maxEntryBytes", Plain(SizeParser.Format(options.MaxEntryBytes)) },
        { "policy", Plain(options.Policy == Caching.CacheEvictionPolicy.Lru ? "lru" : "lfu") },
        { "coalesce", Plain(options.Coalesce ? "true" : "false") },
    };

    private static YamlMappingNode Usage(UsageConfig usage)
    {
        var node = new YamlMappingNode();
        if (usage.Encoding is { } encoding)
        {
            node.Add("encoding", Plain(TokenEncodings.Name(encoding)));
        }

        var models = new YamlMappingNode();
        foreach (var rule in usage.Models)
        {
            var entry = new YamlMappingNode();
            if (rule.Encoding is { } ruleEncoding)
            {
                entry.Add("encoding", Plain(TokenEncodings.Name(ruleEncoding)));
            }

            entry.Add("input", Plain(Yaml.UsageSectionBinder.FormatPrice(rule.InputMicrosPerMillion)));
            entry.Add("output", Plain(Yaml.UsageSectionBinder.FormatPrice(rule.OutputMicrosPerMillion)));
            models.Add(Quoted(rule.Match), entry);
        }

        node.Add("models", models);
        return node;
    }

    private static YamlScalarNode Plain(string value) => new(value);

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };
}
