using Aigis.Core.Rollouts;
using Aigis.Core.Routing;
using Aigis.Hosting;
using Microsoft.Extensions.Logging;

namespace Aigis.Rollouts;

/// <summary>
/// One rollout under way: does what its <see cref="RolloutMachine"/> decides, through the runtime's
/// <see cref="IRolloutSession"/>, and feeds it what live traffic showed. Stores the record after every step.
/// </summary>
/// <remarks>
/// The samples come from the request path: for each analysis window a fresh <see cref="InstanceSamples"/> is hung on
/// the canary's and the stable replicas' <see cref="UpstreamInstance"/>, into which the forwarder counts every
/// attempt's outcome and latency; at the window's end they are taken off and judged (<see cref="CanaryAnalysis"/>).
/// </remarks>
internal sealed partial class RolloutRun(
    RolloutRecord record, IRolloutSession session, RolloutOptions options, GatewayState state, IRolloutStore store, TimeProvider time, ILogger logger)
{
    /// <summary>How often the run looks at the canary between window ends: a crash is seen within this.</summary>
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(200);

    private readonly RolloutMachine _machine = new(session.Replicas, options, time);
    private readonly Dictionary<UpstreamInstance, InstanceSamples> _canary = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<UpstreamInstance, InstanceSamples> _stable = new(ReferenceEqualityComparer.Instance);
    private RolloutRecord _record = record;
    private string? _canaryId;
    private long _canaryServed;

    public IRolloutSession Session => session;

    public string Service => _record.Service;

    /// <summary>Runs the rollout to its end; returns its final record. Stopping aborts it (the deployer stops every replica anyway).</summary>
    public async Task<RolloutRecord> RunAsync(CancellationToken stopping)
    {
        var action = _machine.Begin();
        await SaveAsync();
        try
        {
            while (!_machine.IsFinal)
            {
                action = await StepAsync(action, stopping);
                await SaveAsync();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Detach();
            _machine.Abort("aigis is stopping; the previous version runs when it starts again");
        }
#pragma warning disable CA1031 // The one boundary: a runtime failing mid-rollout ends the rollout, recorded, rather than leaving it running forever.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Detach();
            Log.RunFailed(logger, e, _record.Id, _record.Service);
            _machine.Abort($"the rollout failed: {e.Message}");
        }

        await SaveAsync(final: true);
        return _record;
    }

    private async Task<RolloutAction> StepAsync(RolloutAction action, CancellationToken stopping)
    {
        switch (action)
        {
            case RolloutAction.StartReplica:
                var (instanceId, failure) = await session.StartAsync(_machine.Slot, options.CanaryShare, surge: options.MaxSurge > 0, stopping);
                _canaryId = instanceId;
                _canaryServed = 0;
                var next = _machine.OnReplicaStarted(failure);
                if (failure is null)
                {
                    Attach();
                }

                return next;

            case RolloutAction.None:
                var wait = _machine.UntilWindowEnds < s_pollInterval ? _machine.UntilWindowEnds : s_pollInterval;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stopping);
                }

                if ((session.Lost() ?? OutOfRotation()) is { } why)
                {
                    Detach();
                    return _machine.OnCanaryLost(why);
                }

                Attach();
                if (!_machine.IsWindowDue)
                {
                    return RolloutAction.None;
                }

                var verdict = CanaryAnalysis.Judge(InstanceSamples.Pool(_canary.Values), InstanceSamples.Pool(_stable.Values), options);
                Detach();
                next = _machine.OnWindowEnded(verdict);
                if (next == RolloutAction.None)
                {
                    Attach();
                }

                return next;

            case RolloutAction.Promote:
                await session.PromoteAsync(_machine.Slot, stopping);
                return _machine.OnPromoted();

            case RolloutAction.RollBack:
                Detach();
                var problem = await session.RollBackAsync(stopping);
                _machine.OnRolledBack();
                if (problem is not null)
                {
                    _record = _record with { Reason = $"{_machine.Reason}; {problem}" };
                }

                return RolloutAction.None;

            default:
                // Complete: the machine is final; the controller makes the version the service's.
                return RolloutAction.None;
        }
    }

    /// <summary>
    /// Why the gateway no longer sends the canary requests, or null while it does. An ejected canary would otherwise
    /// see too few requests to be judged, and be promoted on health alone.
    /// </summary>
    private string? OutOfRotation()
    {
        if (!state.Routes.ByName.TryGetValue(_record.Service, out var route) || route.Canary is not { } split || split.Instance.Id != _canaryId)
        {
            return null;
        }

        var health = split.Instance.Health;
        return health.IsAvailable ? null
            : health.IsEjected ? "the gateway ejected it after failures in a row (outlier detection)"
            : !health.ActiveHealthy ? "it failed its health checks"
            : "its circuit breaker opened";
    }

    /// <summary>
    /// Hangs a fresh sample set on the canary and on each stable replica that has none (a replica restarted on a new
    /// port is a new instance object), keeping the ones already collecting for this window.
    /// </summary>
    private void Attach()
    {
        if (!state.Routes.ByName.TryGetValue(_record.Service, out var route))
        {
            return;
        }

        var stable = session.StableInstances;
        foreach (var instance in route.Instances)
        {
            var side = instance.Id == _canaryId ? _canary : stable.Contains(instance.Id, StringComparer.Ordinal) ? _stable : null;
            if (side is null || side.ContainsKey(instance))
            {
                continue;
            }

            // The new replica's first requests are its warm-up (RolloutOptions.WarmupRequests), in whichever windows
            // they end: a cold replica's first answers can all end after the first window.
            var samples = new InstanceSamples(side == _canary ? (int)Math.Max(0, options.WarmupRequests - _canaryServed) : 0);
            instance.Samples = samples;
            side[instance] = samples;
        }
    }

    /// <summary>Stops counting: the window's samples stay in hand for judging, the instances record nothing more.</summary>
    private void Detach()
    {
        foreach (var samples in _canary.Values)
        {
            _canaryServed += samples.Requests;
        }

        foreach (var instance in _canary.Keys.Concat(_stable.Keys))
        {
            instance.Samples = null;
        }

        _canary.Clear();
        _stable.Clear();
    }

    private async Task SaveAsync(bool final = false)
    {
        var status = RolloutStatus.Of(_machine.Phase);
        _record = _record with
        {
            Status = status,
            Phase = _machine.Phase,
            Slot = _machine.Slot,
            Steps = _machine.Steps.ToArray(),
            Reason = _record.Reason ?? _machine.Reason,
            EndedAt = final || _machine.IsFinal ? time.GetUtcNow() : null,
        };

        // Written whatever the rollout's own token says: a stopped rollout must still be recorded as aborted.
        await store.UpdateRolloutAsync(_record, CancellationToken.None);
    }

    private static partial class Log
    {
        [LoggerMessage(410, LogLevel.Error, "Rollout {Id} of service {Service} failed unexpectedly; it is aborted")]
        public static partial void RunFailed(ILogger logger, Exception exception, long id, string service);
    }
}
