using Aigis.Core.Configuration;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using DockerConfig = Aigis.Core.Configuration.DockerConfig;

namespace Aigis.Deployers.Docker;

/// <summary>
/// The <c>docker</c> runtime: runs each <c>runtime: docker</c> service's replicas as containers on one Docker engine
/// (host networking, each server on a loopback port aigis picks), supervised and published as the service's instances.
/// </summary>
/// <remarks>
/// The engine is first reached when a config has a docker service; a config without one never needs an engine.
/// Every container carries labels naming this aigis (<see cref="DockerDeployerOptions.Identity"/>), its service, slot,
/// port and template, so on its first reconcile a restarted aigis adopts the containers that still fit the config
/// (same ids, no duplicates) and removes the rest (no orphans). <see cref="StopAsync"/> stops and removes the
/// containers; disposing without it leaves them running for the next aigis to adopt.
/// </remarks>
internal sealed partial class DockerDeployer : IDeployer
{
    private readonly IDeployedInstanceSink _sink;
    private readonly DockerDeployerOptions _options;
    private readonly Uri _host;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly HttpClient _probeClient;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, DockerServiceDeployment> _services = new(StringComparer.Ordinal);
    private volatile DockerServiceDeployment[] _snapshot = [];
    private DockerClient? _client;
    private DockerEnvironment? _environment;
    private List<ContainerListResponse>? _leftBehind;
    private AigisConfig? _desired;
    private bool _stopped;

    public DockerDeployer(IDeployedInstanceSink sink, DockerDeployerOptions options, Uri host, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Docker deployer options: " + string.Join(" ", problems), nameof(options));
        }

        _sink = sink;
        _options = options;
        _host = host;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger("Aigis.Deployers.Docker");
        _probeClient = HealthProbe.CreateClient();
    }

    public RuntimeKind Runtime => RuntimeKind.Docker;

    /// <summary>The engine's address.</summary>
    public Uri Host => _host;

    public IReadOnlyList<ReplicaStatus> Replicas => _snapshot.SelectMany(s => s.Replicas).ToArray();

    public async Task ReconcileAsync(AigisConfig config, CancellationToken cancellationToken)
    {
        // As the process deployer: one reconcile at a time, each towards the latest config.
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

    public Task StopAsync() => EndAsync(s => s.StopAsync());

    /// <summary>Ends supervision and leaves every container running, as an aigis that exits without stopping its replicas.</summary>
    public Task DetachAsync() => EndAsync(s => s.DetachAsync());

    public async ValueTask DisposeAsync()
    {
        await DetachAsync();
        _client?.Dispose();
        _probeClient.Dispose();
        _stopping.Dispose();
    }

    private async Task EndAsync(Func<DockerServiceDeployment, Task> end)
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        await _gate.WaitAsync();
        try
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            await Task.WhenAll(_services.Values.Select(end));
            _services.Clear();
            _snapshot = [];
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReconcileCoreAsync(AigisConfig config, CancellationToken cancellationToken)
    {
        var wanted = config.Services
            .Where(s => s.Runtime == RuntimeKind.Docker && s.Docker is not null)
            .ToDictionary(s => s.Name, s => (Docker: s.Docker!, s.Resources), StringComparer.Ordinal);
        if (wanted.Count == 0 && _environment is null)
        {
            return;
        }

        var environment = await ConnectAsync(cancellationToken);
        var gone = _services.Values.Where(s => !wanted.ContainsKey(s.Service)).ToArray();
        foreach (var deployment in gone)
        {
            _services.Remove(deployment.Service);
            Log.ServiceRemoved(_logger, deployment.Service);
        }

        foreach (var (name, _) in wanted)
        {
            if (!_services.ContainsKey(name))
            {
                _services[name] = new DockerServiceDeployment(name, environment, _sink);
            }
        }

        var adoptable = await ClaimLeftBehindAsync(wanted, environment.Client);
        _snapshot = [.. _services.Values, .. gone];
        await Task.WhenAll(gone.Select(s => s.StopAsync()));
        _snapshot = [.. _services.Values];

        var images = new ImageBuilder(environment.Client, _logger);
        await Task.WhenAll(wanted.Select(async pair =>
        {
            await images.EnsureAsync(pair.Value.Docker, cancellationToken);
            await _services[pair.Key].ApplyAsync(pair.Value.Docker, pair.Value.Resources, adoptable.GetValueOrDefault(pair.Key) ?? new Dictionary<int, AdoptedContainer>(), cancellationToken);
        }));
    }

    /// <summary>Reaches the engine once (throwing <see cref="DockerEngineUnavailableException"/> if it does not answer) and lists what a previous aigis left.</summary>
    private async Task<DockerEnvironment> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_environment is { } known)
        {
            return known;
        }

        _client ??= DockerEngine.CreateClient(_host);
        string version;
        try
        {
            version = await DockerEngine.ConnectAsync(_client, _host, cancellationToken);
        }
        catch (DockerEngineUnavailableException e)
        {
            Log.EngineUnavailable(_logger, e.Message);
            throw;
        }

        _leftBehind = [.. await _client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = DockerLabels.Filter(_options.Identity) }, cancellationToken)];
        Log.Connected(_logger, _host, version, _leftBehind.Count);
        _environment = new DockerEnvironment(_client, _options, _timeProvider, new HealthProbe(_probeClient, _options.HealthPollInterval, _timeProvider), _logger);
        return _environment;
    }

    /// <summary>
    /// On the first reconcile after connecting: sorts the containers a previous aigis left into those each wanted slot
    /// adopts (one per slot, running the config's template, a running one first) and the rest, which are removed.
    /// </summary>
    private async Task<Dictionary<string, Dictionary<int, AdoptedContainer>>> ClaimLeftBehindAsync(
        Dictionary<string, (DockerConfig Docker, ResourcesConfig Resources)> wanted, DockerClient client)
    {
        var adoptable = new Dictionary<string, Dictionary<int, AdoptedContainer>>(StringComparer.Ordinal);
        if (_leftBehind is not { } leftBehind)
        {
            return adoptable;
        }

        _leftBehind = null;
        var orphans = new List<ContainerListResponse>();
        foreach (var container in leftBehind.OrderByDescending(c => c.State == "running").ThenByDescending(c => c.Created))
        {
            var labels = container.Labels ?? new Dictionary<string, string>();
            var slot = DockerLabels.IntLabel(labels, DockerLabels.Replica);
            var port = DockerLabels.IntLabel(labels, DockerLabels.Port);
            var fits = labels.TryGetValue(DockerLabels.Service, out var service) &&
                       wanted.TryGetValue(service, out var want) &&
                       slot is { } index && index < want.Docker.Replicas && port is not null &&
                       labels.TryGetValue(DockerLabels.Template, out var template) && template == DockerLabels.TemplateOf(want.Docker, want.Resources);
            if (!fits)
            {
                orphans.Add(container);
                continue;
            }

            var slots = adoptable.TryGetValue(service!, out var found) ? found : adoptable[service!] = [];
            if (!slots.TryAdd(slot!.Value, new AdoptedContainer(container.ID, port!.Value, container.State == "running")))
            {
                orphans.Add(container);
            }
        }

        foreach (var orphan in orphans)
        {
            var labels = orphan.Labels ?? new Dictionary<string, string>();
            Log.RemovingOrphan(_logger, orphan.ID[..12], labels.TryGetValue(DockerLabels.Service, out var service) ? service : "?", labels.TryGetValue(DockerLabels.Replica, out var slot) ? slot : "?");
        }

        await Task.WhenAll(orphans.Select(o => RemoveOrphanAsync(client, o.ID)));
        return adoptable;
    }

    private static async Task RemoveOrphanAsync(DockerClient client, string id)
    {
        try
        {
            await client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)DockerConfig.DefaultStopTimeout.TotalSeconds }, CancellationToken.None);
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
        catch (DockerContainerNotFoundException)
        {
            // Gone already.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(143, LogLevel.Information, "Docker engine at {Host}: version {Version}; {Containers} containers of this aigis found")]
        public static partial void Connected(ILogger logger, Uri host, string version, int containers);

        [LoggerMessage(144, LogLevel.Error, "{Reason}")]
        public static partial void EngineUnavailable(ILogger logger, string reason);

        [LoggerMessage(145, LogLevel.Information, "Removing container {ContainerId} (service {Service}, replica {Replica}): the config no longer wants it, or another container fills its slot")]
        public static partial void RemovingOrphan(ILogger logger, string containerId, string service, string replica);

        [LoggerMessage(146, LogLevel.Information, "Service {Service} is no longer a docker service; its containers are stopped and removed")]
        public static partial void ServiceRemoved(ILogger logger, string service);
    }
}
