namespace Aigis.Deployers.Kubernetes;

/// <summary>The labels and annotations Aigis puts on what it applies, and how it finds them again.</summary>
internal static class KubernetesLabels
{
    public const string Name = "app.kubernetes.io/name";
    public const string Component = "app.kubernetes.io/component";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string Service = "aigis.dev/service";
    public const string ManagedByAigis = "aigis";
    public const string ComponentModelServer = "model-server";

    /// <summary>The label the EndpointSlice controller puts on every slice of a Service.</summary>
    public const string EndpointSliceServiceName = "kubernetes.io/service-name";

    /// <summary>The node label NVIDIA's GPU feature discovery sets to the GPU's product name; what <c>resources.gpuModels</c> is matched against.</summary>
    public const string GpuProduct = "nvidia.com/gpu.product";

    public const string GpuResource = "nvidia.com/gpu";

    /// <summary>
    /// The selector of a service's pods. Only Aigis' own label: a selector cannot change once a Deployment exists,
    /// so it must not depend on anything a user might edit (their labels, the image).
    /// </summary>
    public static SortedDictionary<string, string> Selector(string service) => new(StringComparer.Ordinal) { [Service] = service };

    /// <summary>Every label of a service's objects and pods: the user's, then Aigis' own, which win on a clash.</summary>
    public static SortedDictionary<string, string> For(string service, IReadOnlyDictionary<string, string> userLabels)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in userLabels)
        {
            labels[key] = value;
        }

        labels[Name] = service;
        labels[Component] = ComponentModelServer;
        labels[ManagedBy] = ManagedByAigis;
        labels[Service] = service;
        return labels;
    }
}
