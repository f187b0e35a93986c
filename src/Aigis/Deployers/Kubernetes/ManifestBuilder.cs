using System.Globalization;
using Aigis.Core.Configuration;
using k8s.Models;

namespace Aigis.Deployers.Kubernetes;

/// <summary>
/// Builds the Kubernetes objects of a <c>runtime: kubernetes</c> service from its config: a Deployment, a Service
/// (whose EndpointSlices the deployer watches), a PodDisruptionBudget when two or more pods run, and a
/// HorizontalPodAutoscaler (autoscaling/v2) when asked. The same config always gives the same objects, maps sorted
/// by key, so rendered manifests are stable and a second server-side apply sends the same body.
/// </summary>
internal static class ManifestBuilder
{
    /// <summary>The container port's name; probes and the Service's target port refer to it.</summary>
    public const string PortName = "http";

    public const string ContainerName = "server";

    private const int ReadinessPeriodSeconds = 5;
    private const int StartupPeriodSeconds = 5;

    /// <summary>The objects of <paramref name="service"/>, which must be a <c>runtime: kubernetes</c> service.</summary>
    /// <param name="defaultNamespace">The namespace when the config names none (the cluster connection's); null to leave it out.</param>
    public static ServiceManifests Build(ServiceConfig service, string? defaultNamespace)
    {
        var kubernetes = service.Kubernetes ?? throw new ArgumentException($"Service {service.Name} has no kubernetes section.", nameof(service));
        var ns = kubernetes.Namespace ?? defaultNamespace;
        return new ServiceManifests(
            service.Name,
            ns,
            Deployment(service, kubernetes, ns),
            Service(service.Name, kubernetes, ns),
            kubernetes.MinimumPods >= 2 ? DisruptionBudget(service.Name, kubernetes, ns) : null,
            kubernetes.Autoscale is { } autoscale ? Autoscaler(service.Name, kubernetes, autoscale, ns) : null);
    }

    /// <summary>Expands <c>{port}</c> to the container port; <c>{replica}</c> is refused by the config binder.</summary>
    public static string Expand(string value, int port) =>
        value.Replace(ProcessConfig.PortPlaceholder, port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static V1ObjectMeta Metadata(string name, KubernetesConfig kubernetes, string? ns) => new()
    {
        Name = name,
        NamespaceProperty = ns,
        Labels = KubernetesLabels.For(name, kubernetes.Labels),
    };

    private static V1Deployment Deployment(ServiceConfig service, KubernetesConfig kubernetes, string? ns) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = Metadata(service.Name, kubernetes, ns),
        Spec = new V1DeploymentSpec
        {
            // With an autoscaler the replica count is its to set: a replicas field in our apply would make us its
            // owner, and every reconcile would reset what the autoscaler chose.
            Replicas = kubernetes.Autoscale is null ? kubernetes.Replicas : null,
            Selector = new V1LabelSelector { MatchLabels = KubernetesLabels.Selector(service.Name) },
            RevisionHistoryLimit = 5,
            // One new pod at a time beside the old ones, and none taken away before its replacement is ready:
            // model servers load for minutes, and capacity must not dip while they do.
            Strategy = new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 },
            },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta
                {
                    Labels = KubernetesLabels.For(service.Name, kubernetes.Labels),
                    Annotations = kubernetes.Annotations.Count > 0 ? Sorted(kubernetes.Annotations) : null,
                },
                Spec = PodSpec(service, kubernetes),
            },
        },
    };

    private static V1PodSpec PodSpec(ServiceConfig service, KubernetesConfig kubernetes) => new()
    {
        Containers = [Container(service, kubernetes)],
        TerminationGracePeriodSeconds = (long)kubernetes.StopGracePeriod.TotalSeconds,
        ServiceAccountName = kubernetes.ServiceAccount,
        ImagePullSecrets = kubernetes.ImagePullSecrets.Count > 0 ? kubernetes.ImagePullSecrets.Select(s => new V1LocalObjectReference { Name = s }).ToList() : null,
        NodeSelector = kubernetes.NodeSelector.Count > 0 ? Sorted(kubernetes.NodeSelector) : null,
        Tolerations = kubernetes.Tolerations.Count > 0
            ? kubernetes.Tolerations.Select(t => new V1Toleration { Key = t.Key, OperatorProperty = t.Operator, Value = t.Value, Effect = t.Effect }).ToList()
            : null,
        Affinity = Affinity(service.Name, service.Resources),
    };

    private static V1Container Container(ServiceConfig service, KubernetesConfig kubernetes)
    {
        var port = kubernetes.Port;
        return new V1Container
        {
            Name = ContainerName,
            Image = kubernetes.Image,
            ImagePullPolicy = kubernetes.ImagePullPolicy,
            Command = kubernetes.Command.Count > 0 ? kubernetes.Command.Select(c => Expand(c, port)).ToList() : null,
            Args = kubernetes.Args.Count > 0 ? kubernetes.Args.Select(a => Expand(a, port)).ToList() : null,
            Ports = [new V1ContainerPort { Name = PortName, ContainerPort = port, Protocol = "TCP" }],
            Env = kubernetes.Env.Count > 0
                ? kubernetes.Env.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => new V1EnvVar { Name = pair.Key, Value = Expand(pair.Value, port) }).ToList()
                : null,
            Resources = Resources(service.Resources, kubernetes),
            // Startup covers model loading (up to startTimeout); liveness and readiness only begin after it passed,
            // so a slow load is not killed by liveness, and a pod takes traffic only once it answers.
            StartupProbe = Probe(kubernetes.HealthPath, StartupPeriodSeconds, timeoutSeconds: 2,
                failureThreshold: (int)Math.Max(1, Math.Ceiling(kubernetes.StartTimeout.TotalSeconds / StartupPeriodSeconds))),
            ReadinessProbe = Probe(kubernetes.HealthPath, ReadinessPeriodSeconds, timeoutSeconds: 2, failureThreshold: 2),
            LivenessProbe = Probe(kubernetes.HealthPath, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3),
        };
    }

    private static V1Probe Probe(string path, int periodSeconds, int timeoutSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = PortName },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = timeoutSeconds,
        FailureThreshold = failureThreshold,
    };

    /// <summary>
    /// Requests from the declared CPU and memory; a memory limit equal to the request (a pod above its request is
    /// the first evicted under pressure, so it fails where it overruns rather than on a neighbour's node); no CPU
    /// limit (throttling stalls token generation); whole GPUs and extra resources as limits, which Kubernetes also
    /// takes as their requests.
    /// </summary>
    private static V1ResourceRequirements? Resources(ResourcesConfig resources, KubernetesConfig kubernetes)
    {
        var requests = new SortedDictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        var limits = new SortedDictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        if (resources.CpuMilli > 0)
        {
            requests["cpu"] = new ResourceQuantity(resources.CpuQuantity);
        }

        if (resources.MemoryBytes > 0)
        {
            requests["memory"] = new ResourceQuantity(resources.MemoryQuantity);
            limits["memory"] = new ResourceQuantity(resources.MemoryQuantity);
        }

        // GpuMilli (a share) is refused for this runtime by the config binder: Kubernetes counts whole devices.
        if (resources.Gpus > 0)
        {
            limits[KubernetesLabels.GpuResource] = new ResourceQuantity(resources.Gpus.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (name, count) in kubernetes.ExtraResources)
        {
            limits[name] = new ResourceQuantity(count.ToString(CultureInfo.InvariantCulture));
        }

        return requests.Count == 0 && limits.Count == 0
            ? null
            : new V1ResourceRequirements { Requests = requests.Count > 0 ? requests : null, Limits = limits.Count > 0 ? limits : null };
    }

    /// <summary>GPU models as a required node affinity on the product label; <c>maxPerNode: 1</c> as a required anti-affinity per node.</summary>
    private static V1Affinity? Affinity(string service, ResourcesConfig resources)
    {
        V1NodeAffinity? node = resources.GpuModels.Count == 0 ? null : new V1NodeAffinity
        {
            RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
            {
                NodeSelectorTerms =
                [
                    new V1NodeSelectorTerm
                    {
                        MatchExpressions = [new V1NodeSelectorRequirement { Key = KubernetesLabels.GpuProduct, OperatorProperty = "In", Values = [.. resources.GpuModels] }],
                    },
                ],
            },
        };
        V1PodAntiAffinity? apart = resources.MaxPerNode != 1 ? null : new V1PodAntiAffinity
        {
            RequiredDuringSchedulingIgnoredDuringExecution =
            [
                new V1PodAffinityTerm
                {
                    LabelSelector = new V1LabelSelector { MatchLabels = KubernetesLabels.Selector(service) },
                    TopologyKey = "kubernetes.io/hostname",
                },
            ],
        };
        return node is null && apart is null ? null : new V1Affinity { NodeAffinity = node, PodAntiAffinity = apart };
    }

    private static V1Service Service(string name, KubernetesConfig kubernetes, string? ns) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Metadata(name, kubernetes, ns),
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = KubernetesLabels.Selector(name),
            Ports = [new V1ServicePort { Name = PortName, Port = kubernetes.Port, TargetPort = PortName, Protocol = "TCP" }],
        },
    };

    private static V1PodDisruptionBudget DisruptionBudget(string name, KubernetesConfig kubernetes, string? ns) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = Metadata(name, kubernetes, ns),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = kubernetes.MaxUnavailable,
            Selector = new V1LabelSelector { MatchLabels = KubernetesLabels.Selector(name) },
        },
    };

    private static V2HorizontalPodAutoscaler Autoscaler(string name, KubernetesConfig kubernetes, KubernetesAutoscaleConfig autoscale, string? ns) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = Metadata(name, kubernetes, ns),
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = name },
            MinReplicas = autoscale.MinReplicas,
            MaxReplicas = autoscale.MaxReplicas,
            Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource
                    {
                        Name = "cpu",
                        Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = autoscale.TargetCpuUtilization },
                    },
                },
            ],
        },
    };

    private static SortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string> map) => new(map.ToDictionary(), StringComparer.Ordinal);
}
