using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds the <c>kubernetes</c> section of a <c>runtime: kubernetes</c> service, reporting every problem by key.</summary>
internal static class KubernetesSectionBinder
{
    public static readonly string[] Keys = ["image", "imagePullPolicy", "command", "args", "replicas", "port", "healthPath", "startTimeout", "stopGracePeriod",
        "env", "namespace", "serviceAccount", "imagePullSecrets", "nodeSelector", "tolerations", "labels", "annotations", "extraResources", "maxUnavailable",
        "autoscale", "cluster"];

    private static readonly string[] s_pullPolicies = ["Always", "IfNotPresent", "Never"];
    private static readonly string[] s_tolerationKeys = ["key", "operator", "value", "effect"];
    private static readonly string[] s_operators = ["Equal", "Exists"];
    private static readonly string[] s_effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
    private static readonly string[] s_autoscaleKeys = ["minReplicas", "maxReplicas", "targetCpuUtilization"];
    private static readonly string[] s_clusterKeys = ["inCluster", "kubeconfig", "context"];

    public static KubernetesConfig? Bind(YamlNode node, string servicePath, ConfigReadContext context)
    {
        var path = $"{servicePath}.kubernetes";
        if (context.Mapping(node, path) is not { } map)
        {
            return null;
        }

        string? image = null;
        var imageSeen = false;
        var config = new KubernetesConfig { Image = "" };
        var placeholderNodes = new List<(YamlNode Node, string Path)>();
        foreach (var (key, value) in context.Entries(map, path, Keys))
        {
            var keyPath = $"{path}.{key}";
            switch (key)
            {
                case "image":
                    imageSeen = true;
                    image = Image(value, keyPath, context);
                    break;
                case "imagePullPolicy":
                    config = config with { ImagePullPolicy = context.Choice(value, keyPath, s_pullPolicies) };
                    break;
                case "command":
                    placeholderNodes.Add((value, keyPath));
                    config = config with { Command = ProcessSectionBinder.Args(value, keyPath, context) };
                    break;
                case "args":
                    placeholderNodes.Add((value, keyPath));
                    config = config with { Args = ProcessSectionBinder.Args(value, keyPath, context) };
                    break;
                case "replicas":
                    config = config with { Replicas = context.Integer(value, keyPath, 0, KubernetesConfig.MaxReplicas) ?? config.Replicas };
                    break;
                case "port":
                    config = config with { Port = context.Integer(value, keyPath, 1, 65535) ?? config.Port };
                    break;
                case "healthPath":
                    config = config with { HealthPath = ProcessSectionBinder.HealthPath(value, keyPath, context) ?? config.HealthPath };
                    break;
                case "startTimeout":
                    config = config with { StartTimeout = context.Duration(value, keyPath, KubernetesConfig.MinStartTimeout, KubernetesConfig.MaxStartTimeout) ?? config.StartTimeout };
                    break;
                case "stopGracePeriod":
                    config = config with { StopGracePeriod = context.Duration(value, keyPath, TimeSpan.Zero, TimeSpan.FromHours(1)) ?? config.StopGracePeriod };
                    break;
                case "env":
                    placeholderNodes.Add((value, keyPath));
                    config = config with { Env = ProcessSectionBinder.Env(value, keyPath, context) };
                    break;
                case "namespace":
                    config = config with { Namespace = Name(value, keyPath, context) };
                    break;
                case "serviceAccount":
                    config = config with { ServiceAccount = Name(value, keyPath, context) };
                    break;
                case "imagePullSecrets":
                    config = config with { ImagePullSecrets = Names(value, keyPath, context) };
                    break;
                case "nodeSelector":
                    config = config with { NodeSelector = StringMap(value, keyPath, context, labelValues: true) };
                    break;
                case "tolerations":
                    config = config with { Tolerations = Tolerations(value, keyPath, context) };
                    break;
                case "labels":
                    config = config with { Labels = StringMap(value, keyPath, context, labelValues: true) };
                    break;
                case "annotations":
                    config = config with { Annotations = StringMap(value, keyPath, context, labelValues: false) };
                    break;
                case "extraResources":
                    config = config with { ExtraResources = ExtraResources(value, keyPath, context) };
                    break;
                case "maxUnavailable":
                    config = config with { MaxUnavailable = context.Integer(value, keyPath, 0, KubernetesConfig.MaxReplicas) ?? config.MaxUnavailable };
                    break;
                case "autoscale":
                    config = config with { Autoscale = Autoscale(value, keyPath, context) };
                    break;
                case "cluster":
                    config = config with { Cluster = Cluster(value, keyPath, context) };
                    break;
            }
        }

        foreach (var (placeholderNode, placeholderPath) in placeholderNodes)
        {
            if (placeholderNode.AllNodes.OfType<YamlScalarNode>().Any(s => s.Value?.Contains(ProcessConfig.ReplicaPlaceholder, StringComparison.Ordinal) == true))
            {
                // A Deployment's pods are interchangeable: there is no replica index to give each one.
                context.Error(placeholderNode, $"{placeholderPath}: \"{ProcessConfig.ReplicaPlaceholder}\" has no value on Kubernetes, where a Deployment's pods are interchangeable; only \"{ProcessConfig.PortPlaceholder}\" (the container port) expands here");
            }
        }

        if (!imageSeen)
        {
            context.Error(map, $"{path}: a Kubernetes service needs an 'image' (e.g. vllm/vllm-openai:v0.6.3)");
            return null;
        }

        return image is null ? null : config with { Image = image };
    }

    /// <summary>
    /// What a service's <c>resources</c> can and cannot say on Kubernetes: a GPU share has no Kubernetes limit
    /// (<c>nvidia.com/gpu</c> counts whole devices), "at most N per node" only exists for N = 1 (anti-affinity), and
    /// the autoscaler's CPU target is a share of the CPU request, so it needs one.
    /// </summary>
    public static void CheckResources(YamlNode? resourcesNode, ResourcesConfig resources, YamlNode kubernetesNode, KubernetesConfig? kubernetes, string servicePath, ConfigReadContext context)
    {
        var map = resourcesNode as YamlMappingNode;
        YamlNode At(string key) => map?.Children.FirstOrDefault(pair => context.IsKey(pair.Key, key)).Value ?? resourcesNode ?? kubernetesNode;
        if (resources.GpuMilli > 0)
        {
            context.Error(At("gpuShare"), $"{servicePath}.resources.gpuShare: Kubernetes cannot limit a container to a share of a GPU (nvidia.com/gpu counts whole devices); use gpus: 1, or ask for a slice your device plugin offers under kubernetes.extraResources (e.g. nvidia.com/mig-1g.10gb: 1)");
        }

        if (resources.MaxPerNode > 1)
        {
            context.Error(At("maxPerNode"), $"{servicePath}.resources.maxPerNode: Kubernetes can keep pods on separate nodes (maxPerNode: 1) but has no rule for at most {resources.MaxPerNode} per node");
        }

        if (kubernetes?.Autoscale is not null && resources.CpuMilli == 0)
        {
            var autoscaleNode = (kubernetesNode as YamlMappingNode)?.Children.FirstOrDefault(pair => context.IsKey(pair.Key, "autoscale")).Value ?? kubernetesNode;
            context.Error(autoscaleNode, $"{servicePath}.kubernetes.autoscale: the autoscaler targets CPU use as a share of the CPU request; declare resources.cpu");
        }
    }

    private static string? Image(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.Scalar(node, path) is not { } image)
        {
            return null;
        }

        if (image.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || image.StartsWith('-') || image.Length > 4096)
        {
            context.Error(node, $"{path}: '{image}' is not an image reference; write it as registry/name:tag");
            return null;
        }

        return image;
    }

    private static string? Name(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.Scalar(node, path) is not { } name)
        {
            return null;
        }

        if (!KubernetesNames.IsDnsLabel(name))
        {
            context.Error(node, $"{path}: '{name}' is not a Kubernetes name; use lower-case letters, digits and dashes (at most 63), starting and ending with a letter or digit");
            return null;
        }

        return name;
    }

    private static List<string> Names(YamlNode node, string path, ConfigReadContext context)
    {
        var names = new List<string>();
        if (context.Sequence(node, path, "[registry-credentials]") is not { } sequence)
        {
            return names;
        }

        for (var index = 0; index < sequence.Children.Count; index++)
        {
            if (Name(sequence.Children[index], $"{path}[{index}]", context) is { } name)
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static Dictionary<string, string> StringMap(YamlNode node, string path, ConfigReadContext context, bool labelValues)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Mapping(node, path) is not { } map)
        {
            return result;
        }

        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } || !KubernetesNames.IsQualifiedName(key))
            {
                var shown = keyNode is YamlScalarNode { Value: { } raw } ? raw : "that";
                context.Error(keyNode, $"{path}: '{shown}' is not a Kubernetes key; write prefix/name or name (letters, digits, '-', '_', '.'; at most 63 after the prefix)");
                continue;
            }

            // An empty label value is allowed by Kubernetes, so a null here means "".
            var value = valueNode is YamlScalarNode scalar && ConfigReadContext.IsNull(scalar) ? "" : context.Scalar(valueNode, $"{path}.{key}");
            if (value is null)
            {
                continue;
            }

            if (labelValues && !KubernetesNames.IsLabelValue(value))
            {
                context.Error(valueNode, $"{path}.{key}: '{value}' is not a label value (at most 63 letters, digits, '-', '_', '.', starting and ending with a letter or digit)");
                continue;
            }

            result[key] = value;
        }

        return result;
    }

    private static Dictionary<string, int> ExtraResources(YamlNode node, string path, ConfigReadContext context)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (context.Mapping(node, path) is not { } map)
        {
            return result;
        }

        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name } || !KubernetesNames.IsExtendedResourceName(name))
            {
                var shown = keyNode is YamlScalarNode { Value: { } raw } ? raw : "that";
                context.Error(keyNode, $"{path}: '{shown}' is not an extended resource name; write it with its vendor's domain, e.g. nvidia.com/mig-1g.10gb (cpu, memory and GPUs come from 'resources')");
                continue;
            }

            if (name == "nvidia.com/gpu")
            {
                context.Error(keyNode, $"{path}: nvidia.com/gpu comes from resources.gpus; declare it there");
                continue;
            }

            if (context.Integer(valueNode, $"{path}.{name}", 1, 1024) is { } count)
            {
                result[name] = count;
            }
        }

        return result;
    }

    private static List<KubernetesToleration> Tolerations(YamlNode node, string path, ConfigReadContext context)
    {
        var result = new List<KubernetesToleration>();
        if (context.Sequence(node, path, "[{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]") is not { } sequence)
        {
            return result;
        }

        for (var index = 0; index < sequence.Children.Count; index++)
        {
            var itemPath = $"{path}[{index}]";
            if (context.Mapping(sequence.Children[index], itemPath) is not { } map)
            {
                continue;
            }

            var toleration = new KubernetesToleration();
            foreach (var (key, value) in context.Entries(map, itemPath, s_tolerationKeys))
            {
                toleration = key switch
                {
                    "key" => toleration with { Key = KeyName(value, $"{itemPath}.key", context) },
                    "operator" => toleration with { Operator = context.Choice(value, $"{itemPath}.operator", s_operators) ?? toleration.Operator },
                    "value" => toleration with { Value = context.Scalar(value, $"{itemPath}.value") },
                    _ => toleration with { Effect = context.Choice(value, $"{itemPath}.effect", s_effects) },
                };
            }

            if (toleration is { Operator: "Exists", Value: not null })
            {
                context.Error(map, $"{itemPath}: operator: Exists matches a taint by key alone; remove 'value'");
            }
            else if (toleration is { Operator: "Equal", Key: null })
            {
                context.Error(map, $"{itemPath}: operator: Equal needs a 'key'; to tolerate every taint write operator: Exists");
            }

            result.Add(toleration);
        }

        return result;
    }

    private static string? KeyName(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.Scalar(node, path) is not { } key)
        {
            return null;
        }

        if (!KubernetesNames.IsQualifiedName(key))
        {
            context.Error(node, $"{path}: '{key}' is not a Kubernetes key");
            return null;
        }

        return key;
    }

    private static KubernetesAutoscaleConfig? Autoscale(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.Mapping(node, path) is not { } map)
        {
            return null;
        }

        var autoscale = new KubernetesAutoscaleConfig();
        var maxSeen = false;
        foreach (var (key, value) in context.Entries(map, path, s_autoscaleKeys))
        {
            switch (key)
            {
                case "minReplicas":
                    autoscale = autoscale with { MinReplicas = context.Integer(value, $"{path}.minReplicas", 1, KubernetesConfig.MaxReplicas) ?? autoscale.MinReplicas };
                    break;
                case "maxReplicas":
                    maxSeen = true;
                    autoscale = autoscale with { MaxReplicas = context.Integer(value, $"{path}.maxReplicas", 1, KubernetesConfig.MaxReplicas) ?? autoscale.MaxReplicas };
                    break;
                default:
                    autoscale = autoscale with { TargetCpuUtilization = context.Integer(value, $"{path}.targetCpuUtilization", 1, 1000) ?? autoscale.TargetCpuUtilization };
                    break;
            }
        }

        if (!maxSeen)
        {
            context.Error(map, $"{path}: an autoscaler needs 'maxReplicas'");
        }
        else if (autoscale.MaxReplicas < autoscale.MinReplicas)
        {
            context.Error(map, $"{path}: maxReplicas ({autoscale.MaxReplicas}) is below minReplicas ({autoscale.MinReplicas})");
        }

        return autoscale;
    }

    private static KubernetesClusterConfig Cluster(YamlNode node, string path, ConfigReadContext context)
    {
        var cluster = new KubernetesClusterConfig();
        if (context.Mapping(node, path) is not { } map)
        {
            return cluster;
        }

        foreach (var (key, value) in context.Entries(map, path, s_clusterKeys))
        {
            cluster = key switch
            {
                "inCluster" => cluster with { InCluster = context.Boolean(value, $"{path}.inCluster") ?? false },
                "kubeconfig" => cluster with { Kubeconfig = context.Scalar(value, $"{path}.kubeconfig") },
                _ => cluster with { Context = context.Scalar(value, $"{path}.context") },
            };
        }

        if (cluster.InCluster && (cluster.Kubeconfig is not null || cluster.Context is not null))
        {
            context.Error(map, $"{path}: inCluster: true uses the pod's service account; it cannot be combined with 'kubeconfig' or 'context'");
        }

        return cluster;
    }
}
