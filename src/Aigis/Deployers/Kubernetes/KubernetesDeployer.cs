using Aigis.Core.Configuration;
using k8s.Autorest;
using Microsoft.Extensions.Logging;

namespace Aigis.Deployers.Kubernetes;

/// <summary>
/// The <c>kubernetes</c> runtime: applies each <c>runtime: kubernetes</c> service's Deployment, Service,
/// PodDisruptionBudget and HorizontalPodAutoscaler by server-side apply, deletes the objects of services removed from
/// the config, and publishes each service's ready pods (from its EndpointSlices) as its instances.
/// </summary>
/// <remarks>
/// <para>
/// A replica count change is a server-side apply of the Deployment with the new <c>spec.replicas</c> (the only field
/// that differs), not a separate scale call: aigis then stays the one owner of that field. With an autoscaler the
/// field is left out and the HPA owns it.
/// </para>
/// <para>
/// A reconcile completes once the API server accepted the objects; it does not wait for pods to become ready (a
/// model can load for many minutes): they join the service's instances as their EndpointSlices report them ready.
/// Stopping the deployer (aigis shutting down) stops watching and leaves the cluster as it is; the next start
/// applies the same objects again, which changes nothing: Kubernetes resources are reconciled, never recreated.
/// </para>
/// <para>
/// Tested against a local HTTP server that answers with the API's real request and response shapes
/// (tests/Aigis.Tests/Deployers/Kubernetes), not against a real cluster: see the README's Kubernetes section.
/// </para>
/// </remarks>
internal sealed partial class KubernetesDeployer : IDeployer
{
    private readonly IDeployedInstanceSink _sink;
    private readonly KubernetesDeployerOptions _options;
    private readonly Func<KubernetesClusterConfig, ClusterConnection> _connect;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, KubernetesServiceDeployment> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<KubernetesClusterConfig, ClusterConnection> _connections = [];
    private volatile KubernetesServiceDeployment[] _snapshot = [];
    private AigisConfig? _desired;
    private bool _stopped;

    public KubernetesDeployer(IDeployedInstanceSink sink, KubernetesDeployerOptions options, Func<KubernetesClusterConfig, ClusterConnection> connect, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Kubernetes deployer options: " + string.Join(" ", problems), nameof(options));
        }

        _sink = sink;
        _options = options;
        _connect = connect;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger("Aigis.Deployers.Kubernetes");
    }

    public RuntimeKind Runtime => RuntimeKind.Kubernetes;

    public IReadOnlyList<ReplicaStatus> Replicas => _snapshot.SelectMany(s => s.Replicas).ToArray();

    /// <summary>The services applied so far, by name (what tests look into).</summary>
    internal IReadOnlyDictionary<string, KubernetesServiceDeployment> Services => _snapshot.ToDictionary(s => s.Service, StringComparer.Ordinal);

    public async Task ReconcileAsync(AigisConfig config, CancellationToken cancellationToken)
    {
        // As in the process deployer: one reconcile at a time, each towards the latest config.
        Volatile.Write(ref _desired, config);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await _gate.WaitAsync(linked.Token);
        try
        {
            if (_stopped)
            {
                return;
            }

            await ReconcileCoreAsync(Volatile.Read(ref _desired)!, linked.Token);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _gate.WaitAsync();
        try
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            await Task.WhenAll(_services.Values.Select(s => s.StopWatchingAsync()));
            _services.Clear();
            _snapshot = [];
            foreach (var connection in _connections.Values)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task ReconcileCoreAsync(AigisConfig config, CancellationToken cancellationToken)
    {
        var wanted = config.Services.Where(s => s.Runtime == RuntimeKind.Kubernetes && s.Kubernetes is not null).ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var deployment in _services.Values.Where(d => !wanted.ContainsKey(d.Service)).ToArray())
        {
            Log.ServiceRemoved(_logger, deployment.Service);
            await GuardAsync(deployment.Service, () => deployment.DeleteAsync(cancellationToken));
            _services.Remove(deployment.Service);
        }

        foreach (var service in wanted.Values)
        {
            if (Connection(service.Kubernetes!.Cluster, service.Name) is not { } connection)
            {
                continue;
            }

            if (_services.TryGetValue(service.Name, out var existing) && existing.Connection != connection)
            {
                // Moved to another cluster: it leaves the old one once it is applied to the new one's config.
                await GuardAsync(service.Name, () => existing.DeleteAsync(cancellationToken));
                _services.Remove(service.Name);
            }

            if (!_services.TryGetValue(service.Name, out var deployment))
            {
                deployment = new KubernetesServiceDeployment(service.Name, connection, _sink, _options, _timeProvider, _logger);
                _services[service.Name] = deployment;
            }

            _snapshot = [.. _services.Values];
            await GuardAsync(service.Name, () => deployment.ApplyAsync(service, cancellationToken));
        }

        _snapshot = [.. _services.Values];
        foreach (var unused in _connections.Where(pair => !_services.Values.Any(s => s.Connection == pair.Value)).ToArray())
        {
            _connections.Remove(unused.Key);
            unused.Value.Dispose();
        }
    }

    private ClusterConnection? Connection(KubernetesClusterConfig cluster, string service)
    {
        if (_connections.TryGetValue(cluster, out var connection))
        {
            return connection;
        }

        try
        {
            connection = _connect(cluster);
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // No kubeconfig, an unknown context, not in a cluster: this service cannot run; the others still can.
            Log.ConnectFailed(_logger, service, e.Message);
            return null;
        }

        _connections[cluster] = connection;
        return connection;
    }

    /// <summary>The boundary with the API server: a refused or failed call is logged for its service, the other services go on.</summary>
    private async Task GuardAsync(string service, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (HttpOperationException e)
        {
            var status = ServerSideApply.StatusOf(e);
            Log.CallFailed(_logger, service, (int)e.Response.StatusCode, status?.Message ?? e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException)
        {
            Log.CallFailed(_logger, service, 0, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(464, LogLevel.Information, "Service {Service} is no longer a Kubernetes service; deleting its objects")]
        public static partial void ServiceRemoved(ILogger logger, string service);

        [LoggerMessage(465, LogLevel.Error, "Service {Service}: cannot reach its cluster: {Reason}")]
        public static partial void ConnectFailed(ILogger logger, string service, string reason);

        [LoggerMessage(466, LogLevel.Error, "Service {Service}: the Kubernetes API refused or failed a call (status {Status}); it is tried again on the next reconcile: {Reason}")]
        public static partial void CallFailed(ILogger logger, string service, int status, string reason);
    }
}
