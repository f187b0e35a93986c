using Aigis.Core.Configuration;

namespace Aigis.Deployers;

/// <summary>
/// The replica slots of one service, whatever runs in them (processes, containers): scales them, replaces them one
/// at a time, and publishes the healthy ones as the service's instances after every change.
/// </summary>
/// <remarks>
/// Scaling only starts or stops the replicas above the smaller count. Replacing starts each new replica beside the
/// old one, which leaves its slot once the new one is healthy (or has failed its first start: it then retries with
/// backoff, as the config now says it should run; rolling back a bad change is the rollouts' job).
/// </remarks>
internal sealed class ReplicaSlots<TReplica>(string service, IDeployedInstanceSink sink)
    where TReplica : class, ISupervisedReplica
{
    private readonly Lock _lock = new();
    private readonly List<TReplica> _replicas = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _replicas.Count;
            }
        }
    }

    public IReadOnlyList<ReplicaStatus> Replicas
    {
        get
        {
            lock (_lock)
            {
                return _replicas.Select(r => r.Status).ToArray();
            }
        }
    }

    /// <summary>Runs <paramref name="count"/> replicas: stops those above it, starts <paramref name="create"/>(slot) for those missing.</summary>
    public async Task ScaleAsync(int count, Func<int, TReplica> create, CancellationToken cancellationToken)
    {
        TReplica[] extra;
        var started = new List<TReplica>();
        lock (_lock)
        {
            extra = _replicas.Skip(count).ToArray();
            _replicas.RemoveRange(Math.Min(count, _replicas.Count), extra.Length);
            for (var index = _replicas.Count; index < count; index++)
            {
                var replica = create(index);
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

    /// <summary>Replaces every replica, one slot at a time, with <paramref name="create"/>(slot); then scales to <paramref name="count"/>.</summary>
    public async Task ReplaceAsync(int count, Func<int, TReplica> create, CancellationToken cancellationToken)
    {
        for (var index = 0; index < count; index++)
        {
            var fresh = create(index);
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

            TReplica? old = null;
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
        await ScaleAsync(count, create, cancellationToken);
    }

    /// <summary>Empties every slot, withdraws the service's instances, then ends each replica with <paramref name="end"/>.</summary>
    public async Task EndAsync(Func<TReplica, Task> end)
    {
        TReplica[] replicas;
        lock (_lock)
        {
            replicas = [.. _replicas];
            _replicas.Clear();
        }

        Publish();
        await Task.WhenAll(replicas.Select(end));
    }

    /// <summary>Publishes the healthy replicas. Under the lock, so the last publish always reflects the last state.</summary>
    public void Publish()
    {
        lock (_lock)
        {
            var instances = new List<InstanceConfig>(_replicas.Count);
            foreach (var replica in _replicas)
            {
                if (replica.Status is { State: ReplicaState.Healthy, Url: { } url } status)
                {
                    instances.Add(new InstanceConfig { Id = status.Name, Url = url });
                }
            }

            sink.SetDeployedInstances(service, instances);
        }
    }
}
