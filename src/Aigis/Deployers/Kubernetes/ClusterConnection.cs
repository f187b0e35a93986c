using Aigis.Core.Configuration;
using k8s;

namespace Aigis.Deployers.Kubernetes;

/// <summary>A client for one cluster and the namespace a service without its own goes to.</summary>
internal sealed record ClusterConnection(IKubernetes Client, string DefaultNamespace) : IDisposable
{
    public void Dispose() => Client.Dispose();

    /// <summary>
    /// Connects as <paramref name="cluster"/> says: the pod's service account (<c>inCluster</c>), a kubeconfig file
    /// and context, or by default the pod's service account inside a cluster and kubectl's kubeconfig elsewhere.
    /// The namespace is the kubeconfig context's or the pod's, else <c>default</c>.
    /// </summary>
    /// <exception cref="k8s.Exceptions.KubeConfigException">No usable configuration (no kubeconfig, unknown context).</exception>
    public static ClusterConnection Connect(KubernetesClusterConfig cluster)
    {
        var configuration = cluster switch
        {
            { InCluster: true } => KubernetesClientConfiguration.InClusterConfig(),
            { Kubeconfig: null, Context: null } => KubernetesClientConfiguration.BuildDefaultConfig(),
            _ => KubernetesClientConfiguration.BuildConfigFromConfigFile(ExpandHome(cluster.Kubeconfig), cluster.Context),
        };
        return new ClusterConnection(new k8s.Kubernetes(configuration), configuration.Namespace ?? "default");
    }

    /// <summary>A leading <c>~/</c> as a shell would read it; null means the client's default file.</summary>
    private static string? ExpandHome(string? path) =>
        path is not null && path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
}
