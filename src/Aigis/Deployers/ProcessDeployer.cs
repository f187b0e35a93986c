using Aigis.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Aigis.Deployers;

/// <summary>
/// The <c>process</c> runtime: runs each <c>runtime: process</c> service's replicas as local child processes,
/// supervised (health-checked, restarted with backoff, stopped in order) and published as the service's instances.
/// </summary>
internal sealed partial class ProcessDeployer : IDeployer
{
    private readonly IDeployedInstanceSink _sink;
    private readonly ReplicaEnvironment _environment;
    private readonly HttpClient _probeClient;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, ServiceDeployment> _services = new(StringComparer.Ordinal);
    private volatile ServiceDeployment[] _snapshot = [];
    private AigisConfig? _desired;
    private bool _stopped;

    public ProcessDeployer(IDeployedInstanceSink sink, ProcessDeployerOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid process deployer options: " + string.Join(" ", problems), nameof(options));
        }

        _sink = sink;
        _probeClient = HealthProbe.CreateClient();
        _environment = new ReplicaEnvironment(
            options, timeProvider, new HealthProbe(_probeClient, options.HealthPollInterval, timeProvider), loggerFactory.CreateLogger("Aigis.Deployers.Process"));
    }

    public RuntimeKind Runtime => RuntimeKind.Process;

    public IReadOnlyList<ReplicaStatus> Replicas => _snapshot.SelectMany(s => s.Replicas).ToArray();

    /// <summary>The replicas of one service, for a rollout; null when this deployer does not run it.</summary>
    internal ServiceDeployment? Deployment(string service) => Array.Find(_snapshot, s => s.Service == service);

    public async Task ReconcileAsync(AigisConfig config, CancellationToken cancellationToken)
    {
        // Reconciles run one at a time, each towards the latest config: a reload that arrives while a slow one
        // is still starting replicas is applied right after it, and an older one can never be applied last.
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
            await Task.WhenAll(_services.Values.Select(s => s.StopAsync()));
            _services.Clear();
            _snapshot = [];
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _probeClient.Dispose();
        _stopping.Dispose();
    }

    private async Task ReconcileCoreAsync(AigisConfig config, CancellationToken cancellationToken)
    {
        var wanted = config.Services.Where(s => s.Runtime == RuntimeKind.Process && s.Process is not null).ToDictionary(s => s.Name, s => s.Process!, StringComparer.Ordinal);
        var gone = _services.Values.Where(s => !wanted.ContainsKey(s.Service)).ToArray();
        foreach (var deployment in gone)
        {
            _services.Remove(deployment.Service);
            Log.ServiceRemoved(_environment.Logger, deployment.Service);
        }

        foreach (var (name, _) in wanted)
        {
            if (!_services.ContainsKey(name))
            {
                _services[name] = new ServiceDeployment(name, _environment, _sink);
            }
        }

        _snapshot = [.. _services.Values, .. gone];
        await Task.WhenAll(gone.Select(s => s.StopAsync()));
        _snapshot = [.. _services.Values];

        // Services start side by side: one slow to become healthy does not hold up the others.
        await Task.WhenAll(wanted.Select(pair => _services[pair.Key].ApplyAsync(pair.Value, cancellationToken)));
    }

    private static partial class Log
    {
        [LoggerMessage(120, LogLevel.Information, "Service {Service} is no longer a process service; its replicas are stopped")]
        public static partial void ServiceRemoved(ILogger logger, string service);
    }
}
