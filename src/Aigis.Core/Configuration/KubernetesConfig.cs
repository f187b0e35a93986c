namespace Aigis.Core.Configuration;

/// <summary>
/// The <c>kubernetes</c> section of a <c>runtime: kubernetes</c> service: the pod each replica runs (image, command,
/// port, probes), how many, where (namespace, node selection), and which cluster to reach.
/// </summary>
/// <remarks>
/// Aigis turns it into a Deployment, a Service, and where asked a PodDisruptionBudget and a HorizontalPodAutoscaler;
/// the service's <c>resources</c> become the container's requests and limits. Equality is by value, collections
/// included, as for <see cref="ProcessConfig"/>: a reload compares the running section with the new one.
/// </remarks>
public sealed record KubernetesConfig
{
    public const int DefaultPort = 8000;
    public const int MaxReplicas = 1000;
    public const int DefaultMaxUnavailable = 1;
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MinStartTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxStartTimeout = TimeSpan.FromHours(2);
    public static readonly TimeSpan DefaultStopGracePeriod = TimeSpan.FromSeconds(30);

    /// <summary>The container image, e.g. <c>vllm/vllm-openai:v0.6.3</c>.</summary>
    public required string Image { get; init; }

    /// <summary><c>Always</c>, <c>IfNotPresent</c> or <c>Never</c>; null leaves Kubernetes' default (by the image's tag).</summary>
    public string? ImagePullPolicy { get; init; }

    /// <summary>Replaces the image's entrypoint when not empty. <see cref="ProcessConfig.PortPlaceholder"/> expands to <see cref="Port"/>.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Arguments, each one word; <see cref="ProcessConfig.PortPlaceholder"/> expands to <see cref="Port"/>.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Pods the Deployment keeps, 0 to <see cref="MaxReplicas"/>; not set on the Deployment when <see cref="Autoscale"/> owns it.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The port the container listens on; the Service's port, and what <c>{port}</c> expands to.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Where readiness, liveness and startup probes ask; 2xx is healthy.</summary>
    public string HealthPath { get; init; } = ProcessConfig.DefaultHealthPath;

    /// <summary>How long a starting pod may take to pass its first probe (model loading) before it is restarted.</summary>
    public TimeSpan StartTimeout { get; init; } = DefaultStartTimeout;

    /// <summary>How long a stopping pod has between SIGTERM and SIGKILL (<c>terminationGracePeriodSeconds</c>).</summary>
    public TimeSpan StopGracePeriod { get; init; } = DefaultStopGracePeriod;

    /// <summary>Container environment variables; values may hold <c>{port}</c>.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = Empty;

    /// <summary>The namespace; null means the cluster connection's own (kubeconfig context or the pod's), and none in rendered manifests.</summary>
    public string? Namespace { get; init; }

    /// <summary>The pods' service account; null means the namespace's default.</summary>
    public string? ServiceAccount { get; init; }

    /// <summary>Secrets holding registry credentials for pulling <see cref="Image"/>.</summary>
    public IReadOnlyList<string> ImagePullSecrets { get; init; } = [];

    /// <summary>Node labels a pod's node must have.</summary>
    public IReadOnlyDictionary<string, string> NodeSelector { get; init; } = Empty;

    /// <summary>Taints the pods tolerate (GPU nodes are usually tainted).</summary>
    public IReadOnlyList<KubernetesToleration> Tolerations { get; init; } = [];

    /// <summary>Labels added to every object and pod, beside the ones Aigis sets.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = Empty;

    /// <summary>Annotations on the pods (e.g. for a service mesh or a metrics scraper).</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = Empty;

    /// <summary>
    /// Extended resources added to the container's limits by name, e.g. <c>nvidia.com/mig-1g.10gb: 1</c>: how a GPU
    /// slice is asked for on Kubernetes, where <c>resources.gpuShare</c> has no equivalent.
    /// </summary>
    public IReadOnlyDictionary<string, int> ExtraResources { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>At most this many pods unavailable during voluntary disruptions (drains); a PodDisruptionBudget is written when 2 or more pods run.</summary>
    public int MaxUnavailable { get; init; } = DefaultMaxUnavailable;

    /// <summary>A HorizontalPodAutoscaler for the Deployment; null: <see cref="Replicas"/> stands.</summary>
    public KubernetesAutoscaleConfig? Autoscale { get; init; }

    /// <summary>Which cluster to reach.</summary>
    public KubernetesClusterConfig Cluster { get; init; } = new();

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The fewest pods that run: what decides whether a disruption budget makes sense.</summary>
    public int MinimumPods => Autoscale?.MinReplicas ?? Replicas;

    public bool Equals(KubernetesConfig? other) =>
        other is not null &&
        Image == other.Image &&
        ImagePullPolicy == other.ImagePullPolicy &&
        Replicas == other.Replicas &&
        Port == other.Port &&
        HealthPath == other.HealthPath &&
        StartTimeout == other.StartTimeout &&
        StopGracePeriod == other.StopGracePeriod &&
        Namespace == other.Namespace &&
        ServiceAccount == other.ServiceAccount &&
        MaxUnavailable == other.MaxUnavailable &&
        Equals(Autoscale, other.Autoscale) &&
        Cluster.Equals(other.Cluster) &&
        Command.SequenceEqual(other.Command, StringComparer.Ordinal) &&
        Args.SequenceEqual(other.Args, StringComparer.Ordinal) &&
        ImagePullSecrets.SequenceEqual(other.ImagePullSecrets, StringComparer.Ordinal) &&
        Tolerations.SequenceEqual(other.Tolerations) &&
        SameEntries(Env, other.Env) &&
        SameEntries(NodeSelector, other.NodeSelector) &&
        SameEntries(Labels, other.Labels) &&
        SameEntries(Annotations, other.Annotations) &&
        SameEntries(ExtraResources, other.ExtraResources);

    public override int GetHashCode() => HashCode.Combine(Image, Replicas, Port, Namespace, Args.Count, Env.Count);

    private static bool SameEntries<T>(IReadOnlyDictionary<string, T> a, IReadOnlyDictionary<string, T> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && EqualityComparer<T>.Default.Equals(value, pair.Value));
}

/// <summary>A HorizontalPodAutoscaler (autoscaling/v2) on CPU utilization of the service's <c>resources.cpu</c> request.</summary>
public sealed record KubernetesAutoscaleConfig
{
    public const int DefaultTargetCpuUtilization = 80;

    public int MinReplicas { get; init; } = 1;

    public int MaxReplicas { get; init; } = 1;

    /// <summary>The average CPU use, in percent of the request, the autoscaler keeps pods at.</summary>
    public int TargetCpuUtilization { get; init; } = DefaultTargetCpuUtilization;
}

/// <summary>One toleration of a node taint, as Kubernetes writes it.</summary>
public sealed record KubernetesToleration
{
    public string? Key { get; init; }

    /// <summary><c>Equal</c> (the default) or <c>Exists</c>.</summary>
    public string Operator { get; init; } = "Equal";

    public string? Value { get; init; }

    /// <summary><c>NoSchedule</c>, <c>PreferNoSchedule</c>, <c>NoExecute</c>, or null for every effect.</summary>
    public string? Effect { get; init; }
}

/// <summary>How aigis reaches the cluster that runs a service.</summary>
/// <remarks>
/// With nothing set, aigis uses the pod's service account when it runs inside a cluster and otherwise the kubeconfig
/// kubectl would use (<c>KUBECONFIG</c> or <c>~/.kube/config</c>, its current context).
/// </remarks>
public sealed record KubernetesClusterConfig
{
    /// <summary>Use the service account of the pod aigis runs in; never combined with a kubeconfig.</summary>
    public bool InCluster { get; init; }

    /// <summary>A kubeconfig file; null: <c>KUBECONFIG</c> or <c>~/.kube/config</c>.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>A context of the kubeconfig; null: its current context.</summary>
    public string? Context { get; init; }

    /// <summary>True when nothing was set: the default connection.</summary>
    public bool IsDefault => Equals(new KubernetesClusterConfig());
}
