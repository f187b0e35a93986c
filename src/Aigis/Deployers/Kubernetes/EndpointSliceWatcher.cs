using System.Net;
using Aigis.Core.Configuration;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Aigis.Deployers.Kubernetes;

/// <summary>
/// Follows the EndpointSlices of one service (label <c>kubernetes.io/service-name</c>) with list-then-watch, and
/// publishes its ready pods as the service's instances, so the gateway routes to pods directly, as it routes to
/// processes.
/// </summary>
/// <remarks>
/// The list gives the current slices and the resource version to watch from; the watch then streams changes from
/// there, resuming from the last version seen when the server ends it (its <c>timeoutSeconds</c>). When the server
/// answers 410 Gone (the version is older than it keeps, after a long disconnect or etcd compaction), as a watch
/// ERROR event or as the HTTP status, the watcher lists again: the list is the truth, and changes missed in between
/// cannot be replayed. Any other failure (connection refused, 5xx) waits with exponential backoff, then lists again.
/// Instances are published only when the ready set changes.
/// </remarks>
internal sealed partial class EndpointSliceWatcher : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly string _service;
    private readonly string _namespace;
    private readonly IDeployedInstanceSink _sink;
    private readonly KubernetesDeployerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly BackoffPolicy _backoff;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, V1EndpointSlice> _slices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private IReadOnlyList<PodEndpoint> _endpoints = [];
    private IReadOnlyList<InstanceConfig>? _published;
    private Task _loop = Task.CompletedTask;
    private int _relists;

    public EndpointSliceWatcher(IKubernetes client, string service, string ns, IDeployedInstanceSink sink, KubernetesDeployerOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _client = client;
        _service = service;
        _namespace = ns;
        _sink = sink;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _backoff = new BackoffPolicy(options.WatchInitialBackoff, options.WatchMaxBackoff);
    }

    /// <summary>How many times the slices were listed (the first time, and after each 410 or failure).</summary>
    public int Lists => Volatile.Read(ref _relists);

    /// <summary>The pods as last seen, each as a replica for the admin API.</summary>
    public IReadOnlyList<ReplicaStatus> Replicas
    {
        get
        {
            lock (_lock)
            {
                return _endpoints.Select((e, index) => new ReplicaStatus(
                    _service, e.Name, index, e.Terminating ? ReplicaState.Stopping : e.Ready ? ReplicaState.Healthy : ReplicaState.Starting,
                    e.Url, ProcessId: null, Restarts: 0, LastExitCode: null, LastFailure: null,
                    _firstSeen.GetValueOrDefault(e.Name), NextStartAt: null)).ToArray();
            }
        }
    }

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>Stops watching and withdraws the service's instances; the pods themselves keep running.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
        lock (_lock)
        {
            _endpoints = [];
            _sink.SetDeployedInstances(_service, []);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failuresInARow = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var resourceVersion = await ListAsync(cancellationToken);
                failuresInARow = 0;
                var expiredAt = await WatchFromAsync(resourceVersion, cancellationToken);
                Log.Relisting(_logger, _service, expiredAt);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone)
            {
                // The watch request itself was refused as too old: list again at once.
                Log.Relisting(_logger, _service, "(expired)");
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException or IOException or System.Text.Json.JsonException)
            {
                // The one boundary with the API server: every failure here means "try again later", never a crash.
                failuresInARow++;
                var delay = _backoff.DelayAfter(failuresInARow);
                Log.WatchFailed(_logger, _service, failuresInARow, delay, e.Message);
                try
                {
                    await Task.Delay(delay, _timeProvider, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Lists the slices, replaces what was known with them, and returns the list's resource version.</summary>
    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _relists);
        var list = await _client.DiscoveryV1.ListNamespacedEndpointSliceAsync(_namespace, labelSelector: Selector, cancellationToken: cancellationToken);
        lock (_lock)
        {
            _slices.Clear();
            foreach (var slice in list.Items)
            {
                _slices[slice.Metadata.Name] = slice;
            }

            Publish();
        }

        return list.Metadata.ResourceVersion;
    }

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> until the server answers 410 Gone (then returns the version it
    /// refused) or the connection fails (then throws).
    /// </summary>
    private async Task<string> WatchFromAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        while (true)
        {
            var expired = false;
            Exception? failure = null;
            void OnError(Exception e)
            {
                if (e is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
                {
                    expired = true;
                }
                else
                {
                    failure ??= e;
                }
            }

            var started = _timeProvider.GetTimestamp();
            var received = 0;
            var events = _client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(
                _namespace, allowWatchBookmarks: true, labelSelector: Selector, resourceVersion: resourceVersion,
                timeoutSeconds: _options.WatchTimeoutSeconds, onError: OnError, cancellationToken: cancellationToken);
            await foreach (var (type, slice) in events.WithCancellation(cancellationToken))
            {
                received++;
                resourceVersion = slice.Metadata?.ResourceVersion ?? resourceVersion;
                Apply(type, slice);
                if (expired)
                {
                    break;
                }
            }

            if (expired)
            {
                return resourceVersion;
            }

            if (failure is not null)
            {
                throw failure;
            }

            // The server ended the watch (its timeout): resume from the last version seen, without a list. One that
            // ends at once with nothing in it (a proxy closing idle streams) is a failure, so it backs off, not spins.
            if (received == 0 && _timeProvider.GetElapsedTime(started) < s_minimumQuietWatch)
            {
                throw new IOException("the API server ended the EndpointSlice watch at once, with no event");
            }
        }
    }

    private void Apply(WatchEventType type, V1EndpointSlice slice)
    {
        if (type == WatchEventType.Bookmark || slice.Metadata?.Name is not { } name)
        {
            return;
        }

        lock (_lock)
        {
            if (type == WatchEventType.Deleted)
            {
                _slices.Remove(name);
            }
            else
            {
                _slices[name] = slice;
            }

            Publish();
        }
    }

    /// <summary>Recomputes the pods and publishes the ready ones if they changed. Under the lock.</summary>
    private void Publish()
    {
        _endpoints = PodEndpoint.From(_slices.Values, ManifestBuilder.PortName);
        var now = _timeProvider.GetUtcNow();
        foreach (var endpoint in _endpoints)
        {
            _firstSeen.TryAdd(endpoint.Name, now);
        }

        foreach (var gone in _firstSeen.Keys.Where(k => !_endpoints.Any(e => e.Name == k)).ToArray())
        {
            _firstSeen.Remove(gone);
        }

        var instances = _endpoints.Where(e => e.Ready).Select(e => new InstanceConfig { Id = e.Name, Url = e.Url }).ToArray();
        if (_published is not null && _published.SequenceEqual(instances))
        {
            return;
        }

        _published = instances;
        Log.Publishing(_logger, _service, instances.Length, _endpoints.Count);
        _sink.SetDeployedInstances(_service, instances);
    }

    private static readonly TimeSpan s_minimumQuietWatch = TimeSpan.FromSeconds(1);

    private string Selector => $"{KubernetesLabels.EndpointSliceServiceName}={_service}";

    private static partial class Log
    {
        [LoggerMessage(470, LogLevel.Information, "Service {Service}: {Ready} of {Pods} pods ready; instances updated")]
        public static partial void Publishing(ILogger logger, string service, int ready, int pods);

        [LoggerMessage(471, LogLevel.Information, "Service {Service}: the EndpointSlice watch from resource version {ResourceVersion} expired (410 Gone); listing again")]
        public static partial void Relisting(ILogger logger, string service, string resourceVersion);

        [LoggerMessage(472, LogLevel.Warning, "Service {Service}: watching EndpointSlices failed ({Failures} in a row); retrying in {Delay}: {Reason}")]
        public static partial void WatchFailed(ILogger logger, string service, int failures, TimeSpan delay, string reason);
    }
}
