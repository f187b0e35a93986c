using Aigis.Core.Balancing;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds the <c>services</c> list and checks what spans services: unique names, models owned once.</summary>
internal static class ServicesSectionBinder
{
    public static readonly string[] ServiceKeys = ["name", "kind", "models", "balancer", "balancing", "runtime", "instances", "timeouts", "process",
        "health", "outlierDetection", "circuitBreaker", "retries", "fallback", "admission", "cache", "resources", "kubernetes", "docker", "rollout"];
    private static readonly string[] s_kinds = ["llm", "http"];
    private static readonly string[] s_runtimes = ["static", "process", "docker", "kubernetes"];

    public static IReadOnlyList<ServiceConfig> Bind(YamlNode node, ConfigReadContext context)
    {
        if (context.Sequence(node, "services", "- name: chat") is not { } sequence)
        {
            return [];
        }

        var services = new List<ServiceConfig>();
        var namesSeen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var modelOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        var fallbacks = new Dictionary<string, List<(string, YamlNode)>>(StringComparer.Ordinal);
        for (var index = 0; index < sequence.Children.Count; index++)
        {
            var item = sequence.Children[index];
            if (BindService(item, $"services[{index}]", context, namesSeen, modelOwners, fallbacks) is { } service)
            {
                services.Add(service);
            }
        }

        ResilienceSectionBinder.CheckFallbacks(services, fallbacks, context);

        return services;
    }

    private static ServiceConfig? BindService(
        YamlNode node, string path, ConfigReadContext context,
        Dictionary<string, YamlNode> namesSeen, Dictionary<string, string> modelOwners,
        Dictionary<string, List<(string, YamlNode)>> fallbacks)
    {
        if (context.Mapping(node, path) is not { } map)
        {
            return null;
        }

        string? name = null;
        var kind = ServiceKind.Http;
        YamlNode? kindNode = null;
        var models = new List<(string Model, YamlNode Node)>();
        YamlNode? modelsNode = null;
        var balancer = LoadBalancingPolicyNames.RoundRobin;
        var instances = new List<InstanceConfig>();
        var timeouts = new TimeoutsConfig();
        var balancing = new BalancingOptions();
        var admission = new Admission.AdmissionOptions();
        var cache = new Caching.ResponseCacheOptions();
        YamlNode? cacheNode = null;
        var resources = new ResourcesConfig();
        var rollout = new Rollouts.RolloutOptions();
        var runtime = RuntimeKind.Static;
        YamlNode? runtimeNode = null;
        var runtimeKnown = true;
        ProcessConfig? process = null;
        KubernetesConfig? kubernetes = null;
        YamlNode? kubernetesNode = null;
        YamlNode? resourcesNode = null;
        DockerConfig? docker = null;
        var resilience = new ServiceConfig { Name = "" };
        List<(string Name, YamlNode Node)> fallback = [];

        // The name first, so that every later message can say which service it is about.
        var hasName = false;
        foreach (var (key, value) in map.Children)
        {
            if (!context.IsKey(key, "name"))
            {
                continue;
            }

            hasName = true;
            if (context.Scalar(value, $"{path}.name") is { } rawName)
            {
                if (!ServiceNames.IsValid(rawName))
                {
                    context.Error(value, $"{path}.name: '{rawName}' is not a valid service name; use lower-case letters, digits and dashes (at most 63), starting and ending with a letter or digit");
                }
                else if (namesSeen.TryGetValue(rawName, out var first))
                {
                    context.Error(value, $"{path}.name: duplicate service name '{rawName}' (first defined at line {first.Start.Line})");
                }
                else
                {
                    namesSeen[rawName] = value;
                    name = rawName;
                    path = $"services[{rawName}]";
                }
            }
        }

        foreach (var (key, value) in context.Entries(map, path, ServiceKeys))
        {
            switch (key)
            {
                case "kind":
                    kindNode = value;
                    kind = context.Choice(value, $"{path}.kind", s_kinds) == "llm" ? ServiceKind.Llm : ServiceKind.Http;
                    break;
                case "models":
                    modelsNode = value;
                    models = BindModels(value, path, context);
                    break;
                case "balancer":
                    balancer = context.Choice(value, $"{path}.balancer", LoadBalancingPolicyNames.All) ?? balancer;
                    break;
                case "runtime":
                    runtimeNode = value;
                    (runtime, runtimeKnown) = BindRuntime(value, path, context);
                    break;
                case "process":
                    process = ProcessSectionBinder.Bind(value, path, context);
                    break;
                case "kubernetes":
                    kubernetesNode = value;
                    kubernetes = KubernetesSectionBinder.Bind(value, path, context);
                    break;
                case "docker":
                    docker = DockerSectionBinder.Bind(value, path, context);
                    break;
                case "instances":
                    instances = BindInstances(value, path, context);
                    break;
                case "timeouts":
                    timeouts = BindTimeouts(value, path, context);
                    break;
                case "balancing":
                    balancing = BalancingSectionBinder.Bind(value, $"{path}.balancing", context);
                    break;
                case "admission":
                    admission = AdmissionSectionBinder.Bind(value, $"{path}.admission", context);
                    break;
                case "cache":
                    cacheNode = value;
                    cache = CacheSectionBinder.Bind(value, $"{path}.cache", context);
                    break;
                case "resources":
                    resourcesNode = value;
                    resources = ResourcesSectionBinder.Bind(value, $"{path}.resources", context);
                    break;
                case "rollout":
                    rollout = RolloutSectionBinder.Bind(value, $"{path}.rollout", context);
                    break;
                case "health":
                    resilience = resilience with { Health = ResilienceSectionBinder.BindHealth(value, $"{path}.health", context) };
                    break;
                case "outlierDetection":
                    resilience = resilience with { OutlierDetection = ResilienceSectionBinder.BindOutlier(value, $"{path}.outlierDetection", context) };
                    break;
                case "circuitBreaker":
                    resilience = resilience with { CircuitBreaker = ResilienceSectionBinder.BindBreaker(value, $"{path}.circuitBreaker", context) };
                    break;
                case "retries":
                    resilience = resilience with { Retries = ResilienceSectionBinder.BindRetries(value, $"{path}.retries", context) };
                    break;
                case "fallback":
                    fallback = ResilienceSectionBinder.BindFallback(value, $"{path}.fallback", context);
                    break;
            }
        }

        if (!hasName)
        {
            context.Error(map, $"{path}: every service needs a 'name'");
        }

        RuntimeSections.Check(map, path, context, runtime, runtimeKnown, runtimeNode);
        if (runtime == RuntimeKind.Kubernetes && kubernetesNode is not null)
        {
            KubernetesSectionBinder.CheckResources(resourcesNode, resources, kubernetesNode, kubernetes, path, context);
        }

        if (kind == ServiceKind.Llm && modelsNode is null && kindNode is not null)
        {
            context.Error(kindNode, $"{path}: an llm service needs 'models', the model names it answers to");
        }

        if (cache.Enabled && kind != ServiceKind.Llm)
        {
            // The key is the model request's body; an http service's requests stream through unread.
            context.Error(cacheNode!, $"{path}.cache: the response cache applies only to kind: llm services, whose model requests the gateway reads and keys; an http service's bodies stream through unread");
        }

        if (kind == ServiceKind.Http && models.Count > 0)
        {
            context.Error(modelsNode!, $"{path}: 'models' applies only to kind: llm (an http service is reached at /svc/NAME/...)");
        }

        foreach (var (model, modelNode) in models)
        {
            if (name is null)
            {
                continue;
            }

            if (modelOwners.TryGetValue(model, out var owner) && owner != name)
            {
                context.Error(modelNode, $"{path}: model '{model}' is already served by service '{owner}'; a model name routes to one service");
            }
            else
            {
                modelOwners[model] = name;
            }
        }

        if (name is not null && fallback.Count > 0)
        {
            fallbacks[name] = fallback;
        }

        return name is null ? null : resilience with
        {
            Name = name,
            Kind = kind,
            Models = models.Select(m => m.Model).Distinct(StringComparer.Ordinal).ToArray(),
            Balancer = balancer,
            Runtime = runtime,
            Instances = runtime == RuntimeKind.Static ? instances : [],
            Process = runtime == RuntimeKind.Process ? process : null,
            Kubernetes = runtime == RuntimeKind.Kubernetes ? kubernetes : null,
            Docker = runtime == RuntimeKind.Docker ? docker : null,
            Timeouts = timeouts,
            Balancing = balancing,
            Admission = admission,
            Cache = cache,
            Resources = resources,
            Rollout = rollout,
            Fallback = fallback.Select(f => f.Name).ToArray(),
        };
    }

    private static (RuntimeKind Runtime, bool Known) BindRuntime(YamlNode node, string path, ConfigReadContext context)
    {
        switch (context.Choice(node, $"{path}.runtime", s_runtimes))
        {
            case "static":
                return (RuntimeKind.Static, true);
            case "process":
                return (RuntimeKind.Process, true);
            case "kubernetes":
                return (RuntimeKind.Kubernetes, true);
            case "docker":
                return (RuntimeKind.Docker, true);
            default:
                return (RuntimeKind.Static, false);
        }
    }

    private static List<(string, YamlNode)> BindModels(YamlNode node, string path, ConfigReadContext context)
    {
        var models = new List<(string, YamlNode)>();
        if (context.Sequence(node, $"{path}.models", "[llama-3-8b-instruct]") is not { } sequence)
        {
            return models;
        }

        foreach (var item in sequence.Children)
        {
            if (context.Scalar(item, $"{path}.models[]") is not { } model)
            {
                continue;
            }

            if (model.Length > 256 || model.Any(char.IsWhiteSpace))
            {
                context.Error(item, $"{path}: '{model}' is not a valid model name (no spaces, at most 256 characters)");
                continue;
            }

            models.Add((model, item));
        }

        return models;
    }

    private static List<InstanceConfig> BindInstances(YamlNode node, string path, ConfigReadContext context)
    {
        var instances = new List<InstanceConfig>();
        if (context.Sequence(node, $"{path}.instances", "[{url: http://127.0.0.1:9000}]") is not { } sequence)
        {
            return instances;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var urls = new HashSet<Uri>();
        for (var index = 0; index < sequence.Children.Count; index++)
        {
            var item = sequence.Children[index];
            var itemPath = $"{path}.instances[{index}]";
            if (InstanceBinder.Bind(item, itemPath, context) is not { } instance)
            {
                continue;
            }

            if (!ids.Add(instance.Id))
            {
                context.Error(item, $"{itemPath}: duplicate instance id '{instance.Id}'");
            }
            else if (!urls.Add(instance.Url))
            {
                context.Error(item, $"{itemPath}: duplicate instance url '{instance.Url}'");
            }
            else
            {
                instances.Add(instance);
            }
        }

        return instances;
    }

    private static TimeoutsConfig BindTimeouts(YamlNode node, string path, ConfigReadContext context)
    {
        var timeouts = new TimeoutsConfig();
        if (context.Mapping(node, $"{path}.timeouts") is not { } map)
        {
            return timeouts;
        }

        foreach (var (key, value) in context.Entries(map, $"{path}.timeouts", ["connect", "firstByte", "idle", "total"]))
        {
            timeouts = key switch
            {
                "connect" => timeouts with { Connect = context.Duration(value, $"{path}.timeouts.connect", TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(5)) ?? timeouts.Connect },
                "firstByte" => timeouts with { FirstByte = context.Duration(value, $"{path}.timeouts.firstByte", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(24)) ?? timeouts.FirstByte },
                "total" => timeouts with { Total = context.Duration(value, $"{path}.timeouts.total", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(24)) ?? timeouts.Total },
                _ => timeouts with { Idle = context.Duration(value, $"{path}.timeouts.idle", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(24)) ?? timeouts.Idle },
            };
        }

        if (timeouts.Total < timeouts.FirstByte || timeouts.Total < timeouts.Connect)
        {
            context.Error(node, $"{path}.timeouts: total ({DurationParser.Format(timeouts.Total)}) is shorter than connect or firstByte; it bounds the whole request, so it must be the longest");
        }

        return timeouts;
    }
}
