using Aigis.Core.Configuration;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Aigis.Deployers.Kubernetes;

/// <summary>
/// One <c>runtime: kubernetes</c> service on its cluster: applies its objects on every reconcile (server-side, so an
/// unchanged config is a no-op on the server and drift in the fields aigis owns is put back), deletes the optional
/// ones it no longer wants, and follows its pods through an <see cref="EndpointSliceWatcher"/>.
/// </summary>
internal sealed partial class KubernetesServiceDeployment(
    string service, ClusterConnection connection, IDeployedInstanceSink sink, KubernetesDeployerOptions options, TimeProvider timeProvider, ILogger logger) : IAsyncDisposable
{
    private readonly ServerSideApply _apply = new(logger);
    private EndpointSliceWatcher? _watcher;
    private string? _namespace;

    public string Service => service;

    /// <summary>The cluster this service is on; a changed <c>cluster</c> section means a new deployment object.</summary>
    public ClusterConnection Connection => connection;

    /// <summary>The resource version of each object after the last apply, by kind.</summary>
    public IReadOnlyDictionary<string, string> AppliedVersions { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyList<ReplicaStatus> Replicas => _watcher?.Replicas ?? [];

    /// <summary>Applies <paramref name="config"/>'s objects and starts watching its pods. Not concurrent with itself: the deployer serializes calls.</summary>
    /// <returns>How many objects the API server changed (0: the cluster already matched).</returns>
    public async Task<int> ApplyAsync(ServiceConfig config, CancellationToken cancellationToken)
    {
        var manifests = ManifestBuilder.Build(config, connection.DefaultNamespace);
        var ns = manifests.Namespace!;
        if (_namespace is not null && _namespace != ns)
        {
            // Moved to another namespace: the old objects go, and the watch follows the new ones.
            await DeleteAsync(cancellationToken);
        }

        _namespace = ns;
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        var changed = 0;
        var deployment = await _apply.ApplyAsync(connection.Client, manifests.Deployment, cancellationToken);
        Count(manifests.Deployment.Kind, deployment);

        // The other objects belong to the Deployment: deleting it (by hand, or aigis on removal) takes them along
        // through garbage collection. Their uid is only known from the cluster, so rendered manifests have none.
        var owner = new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = service, Uid = deployment.Uid, BlockOwnerDeletion = false, Controller = false };
        foreach (var dependent in manifests.All.Skip(1))
        {
            dependent.Metadata.OwnerReferences = [owner];
            Count(dependent.Kind, await _apply.ApplyAsync(connection.Client, dependent, cancellationToken));
        }

        if (manifests.DisruptionBudget is null && await ServerSideApply.DeleteAsync(connection.Client, "PodDisruptionBudget", service, ns, cancellationToken))
        {
            changed++;
        }

        if (manifests.Autoscaler is null && await ServerSideApply.DeleteAsync(connection.Client, "HorizontalPodAutoscaler", service, ns, cancellationToken))
        {
            changed++;
        }

        AppliedVersions = versions;
        Log.Applied(logger, service, ns, changed);
        if (_watcher is null)
        {
            _watcher = new EndpointSliceWatcher(connection.Client, service, ns, sink, options, timeProvider, logger);
            _watcher.Start();
        }

        return changed;

        void Count(string kind, ApplyResult result)
        {
            if (!AppliedVersions.TryGetValue(kind, out var before) || before != result.ResourceVersion)
            {
                changed++;
            }

            versions[kind] = result.ResourceVersion;
        }
    }

    /// <summary>Deletes every object of the service from the cluster (its pods go with the Deployment) and stops watching.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        await StopWatchingAsync();
        if (_namespace is not { } ns)
        {
            return;
        }

        foreach (var kind in new[] { "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service", "Deployment" })
        {
            await ServerSideApply.DeleteAsync(connection.Client, kind, service, ns, cancellationToken);
        }

        Log.Deleted(logger, service, ns);
        AppliedVersions = new Dictionary<string, string>();
        _namespace = null;
    }

    /// <summary>Stops watching and withdraws the instances; what runs in the cluster stays (aigis stopping is no reason to stop a model fleet).</summary>
    public async Task StopWatchingAsync()
    {
        if (_watcher is { } watcher)
        {
            _watcher = null;
            await watcher.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopWatchingAsync());

    private static partial class Log
    {
        [LoggerMessage(462, LogLevel.Information, "Service {Service}: applied to namespace {Namespace}; {Changed} objects changed")]
        public static partial void Applied(ILogger logger, string service, string @namespace, int changed);

        [LoggerMessage(463, LogLevel.Information, "Service {Service}: deleted from namespace {Namespace}")]
        public static partial void Deleted(ILogger logger, string service, string @namespace);
    }
}
