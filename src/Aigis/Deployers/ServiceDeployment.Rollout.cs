using Aigis.Core.Configuration;

namespace Aigis.Deployers;

/// <summary>
/// What a rollout does to a service's replicas (<see cref="ProcessRolloutRuntime"/>): one incoming replica at a time,
/// published with its canary share, then promoted into its slot or discarded.
/// </summary>
/// <remarks>
/// While a rollout holds the service, a reload does not touch its replicas; the rollout controller reconciles to the
/// latest config when it ends. Two writers replacing the same replicas at once would leave neither version in place.
/// </remarks>
internal sealed partial class ServiceDeployment
{
    private ProcessReplica? _incoming;
    private double? _incomingShare;
    private bool _inRollout;

    /// <summary>The process section the replicas run now; null before the first apply.</summary>
    public ProcessConfig? Current
    {
        get
        {
            lock (_lock)
            {
                return _config;
            }
        }
    }

    /// <summary>Instance ids of the replicas in their slots (not the incoming one).</summary>
    public IReadOnlyList<ReplicaStatus> SlotReplicas
    {
        get
        {
            lock (_lock)
            {
                return _replicas.Select(r => r.Status).ToArray();
            }
        }
    }

    /// <summary>Takes the service for a rollout; false when one holds it already, or it runs nothing yet.</summary>
    public bool TryBeginRollout()
    {
        lock (_lock)
        {
            if (_inRollout || _config is null)
            {
                return false;
            }

            _inRollout = true;
            return true;
        }
    }

    /// <summary>Ends the rollout's hold. <paramref name="committed"/> is the version the replicas now run, if it changed.</summary>
    public void EndRollout(ProcessConfig? committed)
    {
        lock (_lock)
        {
            if (committed is not null)
            {
                _config = committed;
            }

            _inRollout = false;
        }
    }

    /// <summary>
    /// Starts <paramref name="template"/>'s replica for <paramref name="slot"/> as the incoming one and waits for its first
    /// health check. <paramref name="share"/> is its share of traffic once healthy (null: a full part).
    /// </summary>
    public async Task<(string? Name, string? Failure)> StartIncomingAsync(int slot, ProcessConfig template, string name, double? share, bool surge, CancellationToken cancellationToken)
    {
        var fresh = new ProcessReplica(service, slot, template, environment, Publish, name);
        ProcessReplica? outgoing = null;
        lock (_lock)
        {
            _incoming = fresh;
            _incomingShare = share;
            if (!surge && slot < _replicas.Count)
            {
                outgoing = _replicas[slot];
            }
        }

        if (outgoing is not null)
        {
            // No surge: the old replica leaves first; it stays in its slot, stopped, until its successor is promoted.
            await outgoing.StopAsync();
        }

        fresh.Start();
        bool healthy;
        try
        {
            healthy = await fresh.FirstOutcome.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await DiscardIncomingAsync();
            throw;
        }

        if (healthy)
        {
            return (fresh.Name, null);
        }

        var failure = fresh.Status.LastFailure ?? "it did not become healthy";
        await DiscardIncomingAsync();
        return (null, failure);
    }

    /// <summary>Why the incoming replica stopped serving, or null while it is healthy (or there is none).</summary>
    public string? IncomingLost()
    {
        var status = Volatile.Read(ref _incoming)?.Status;
        return status is null || status.State == ReplicaState.Healthy
            ? null
            : $"it is {ReplicaStateNames.Of(status.State)}{(status.LastFailure is { } why ? ": " + why : "")}";
    }

    /// <summary>The incoming replica takes <paramref name="slot"/> in full; the replica it replaces leaves rotation, then stops.</summary>
    public async Task PromoteIncomingAsync(int slot)
    {
        ProcessReplica? replaced = null;
        lock (_lock)
        {
            var incoming = _incoming ?? throw new InvalidOperationException("no incoming replica to promote");
            if (slot < _replicas.Count)
            {
                replaced = _replicas[slot];
                _replicas[slot] = incoming;
            }
            else
            {
                _replicas.Add(incoming);
            }

            _incoming = null;
            _incomingShare = null;
        }

        Publish();
        if (replaced is not null)
        {
            await replaced.DisposeAsync();
        }
    }

    /// <summary>Out of rotation, then stopped: the incoming replica, if any.</summary>
    public async Task DiscardIncomingAsync()
    {
        ProcessReplica? incoming;
        lock (_lock)
        {
            incoming = _incoming;
            _incoming = null;
            _incomingShare = null;
        }

        if (incoming is not null)
        {
            Publish();
            await incoming.DisposeAsync();
        }
    }

    /// <summary>Slots whose replica does not run <paramref name="template"/> or no longer runs at all: what a rollback restores.</summary>
    public IReadOnlyList<int> SlotsNotRunning(ProcessConfig template)
    {
        lock (_lock)
        {
            var slots = new List<int>();
            for (var slot = 0; slot < _replicas.Count; slot++)
            {
                var replica = _replicas[slot];
                if (!replica.Config.SameTemplateAs(template) || replica.Status.State is ReplicaState.Stopping or ReplicaState.Stopped)
                {
                    slots.Add(slot);
                }
            }

            return slots;
        }
    }

    /// <summary>
    /// True while a rollout holds the service: a reload's change waits; the rollout controller reconciles to the
    /// latest config when it ends, so the change is applied then, on top of the rollout's outcome.
    /// </summary>
    private bool DeferDuringRollout()
    {
        lock (_lock)
        {
            return _inRollout;
        }
    }
}
