using Aigis.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Aigis.Deployers;

/// <summary>
/// The replicas of one <c>runtime: process</c> service. Applies each new <see cref="ProcessConfig"/> with as little
/// disruption as it allows, and publishes the healthy replicas as the service's instances after every change.
/// </summary>
/// <remarks>
/// A changed replica count only starts or stops the replicas above the smaller count. Any other change (command,
/// arguments, environment, health path, start timeout) replaces the replicas one at a time: the new one starts
/// beside the old, and takes its slot once it is healthy (or has failed its first start: it then retries with
/// backoff, as the config now says it should run; rolling back a bad change is the rollouts' job).
/// </remarks>
internal sealed partial class ServiceDeployment(string service, ReplicaEnvironment environment, IDeployedInstanceSink sink)
{
    private readonly Lock _lock = new();
    private readonly List<ProcessReplica> _replicas = [];
    private ProcessConfig? _config;

    public string Service => service;

    public IReadOnlyList<ReplicaStatus> Replicas
    {
        get
        {
            lock (_lock)
            {
                return _incoming is { } incoming ? [.. _replicas.Select(r => r.Status), incoming.Status] : _replicas.Select(r => r.Status).ToArray();
            }
        }
    }

    /// <summary>Brings the replicas in line with <paramref name="next"/>. Not concurrent with itself: the deployer serializes calls.</summary>
    public async Task ApplyAsync(ProcessConfig next, CancellationToken cancellationToken)
    {
        if (_config is { } current && current.Equals(next))
        {
            return;
        }

        if (DeferDuringRollout())
        {
            return;
        }

        if (_config is null || _config.SameTemplateAs(next))
        {
            Log.Scaling(environment.Logger, service, _replicas.Count, next.Replicas);
            await ScaleAsync(next, cancellationToken);
        }
        else
        {
            Log.Replacing(environment.Logger, service, next.Replicas);
            await ReplaceAsync(next, cancellationToken);
        }

        _config = next;
    }

    /// <summary>Stops every replica and withdraws the service's instances.</summary>
    public async Task StopAsync()
    {
        ProcessReplica[] replicas;
        lock (_lock)
        {
            replicas = [.. _replicas];
            _replicas.Clear();
        }

        Publish();
        await Task.WhenAll(replicas.Select(r => r.DisposeAsync().AsTask()));
        await DiscardIncomingAsync();
    }

    private async Task ScaleAsync(ProcessConfig next, CancellationToken cancellationToken)
    {
        ProcessReplica[] extra;
        var started = new List<ProcessReplica>();
        lock (_lock)
        {
            extra = _replicas.Skip(next.Replicas).ToArray();
            _replicas.RemoveRange(Math.Min(next.Replicas, _replicas.Count), extra.Length);
            for (var index = _replicas.Count; index < next.Replicas; index++)
            {
                var replica = new ProcessReplica(service, index, next, environment, Publish);
                _replicas.Add(replica);
                started.Add(replica);
            }
        }

        // Out of rotation first, then stopped, so no new request is sent to a replica on its way out.
        Publish();
        foreach (var replica in started)
        {
            replica.Start();
        }

        await Task.WhenAll(extra.Select(r => r.DisposeAsync().AsTask()));
        await Task.WhenAll(started.Select(r => r.FirstOutcome)).WaitAsync(cancellationToken);
    }

    private async Task ReplaceAsync(ProcessConfig next, CancellationToken cancellationToken)
    {
        for (var index = 0; index < next.Replicas; index++)
        {
            var fresh = new ProcessReplica(service, index, next, environment, Publish);
            fresh.Start();
            try
            {
                await fresh.FirstOutcome.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await fresh.DisposeAsync();
                throw;
            }

            ProcessReplica? old = null;
            lock (_lock)
            {
                if (index < _replicas.Count)
                {
                    old = _replicas[index];
                    _replicas[index] = fresh;
                }
                else
                {
                    _replicas.Add(fresh);
                }
            }

            Publish();
            if (old is not null)
            {
                await old.DisposeAsync();
            }
        }

        // Fewer replicas than before: the ones above the new count go.
        await ScaleAsync(next, cancellationToken);
    }

    /// <summary>Publishes the healthy replicas. Under the lock, so the last publish always reflects the last state.</summary>
    private void Publish()
    {
        lock (_lock)
        {
            var instances = new List<InstanceConfig>(_replicas.Count);
            foreach (var replica in _replicas)
            {
                if (replica.Status is { State: ReplicaState.Healthy, Url: { } url })
                {
                    instances.Add(new InstanceConfig { Id = replica.Name, Url = url });
                }
            }

            if (_incoming?.Status is { State: ReplicaState.Healthy, Url: { } incomingUrl })
            {
                instances.Add(new InstanceConfig { Id = _incoming.Name, Url = incomingUrl, TrafficShare = _incomingShare });
            }

            sink.SetDeployedInstances(service, instances);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(121, LogLevel.Information, "Service {Service}: {From} -> {To} replicas")]
        public static partial void Scaling(ILogger logger, string service, int from, int to);

        [LoggerMessage(122, LogLevel.Information, "Service {Service}: its process section changed; replacing its {Replicas} replicas one at a time")]
        public static partial void Replacing(ILogger logger, string service, int replicas);
    }
}
