using System.Runtime.InteropServices;
using Aigis.Core.Balancing;
using Aigis.Core.Routing;
using Aigis.Sim.Engine;

namespace Aigis.Bench.Routing.Simulation;

/// <summary>
/// A fleet of simulated LLM servers behind one real balancing policy, run in virtual time as a discrete-event
/// simulation: arrivals, engine step ends and metric scrapes come off one priority queue.
/// </summary>
/// <remarks>
/// The policy sees exactly what a gateway would: <see cref="UpstreamInstance"/> objects whose in-flight counts are
/// the gateway's own (up at dispatch, down when the last token is delivered), whose latency estimate gets each
/// request's time to first token when that token arrives, and whose load is what the last scrape copied from the
/// replica's exposed metrics; and the request's prompt block hashes and session key. It never reads an engine.
/// A replica computes a whole step when it starts it but shows its effects (tokens, metrics) only when it ends.
/// One run is single-threaded and deterministic: same workload, settings and policy give the same numbers.
/// </remarks>
internal sealed class RoutingSimulation
{
    private readonly PreparedWorkload _workload;
    private readonly RoutingSimulationSettings _settings;
    private readonly VirtualClock _clock = new();
    private readonly ILoadBalancingPolicy _policy;
    private readonly SimReplica[] _replicas;
    private readonly UpstreamInstance[] _instances;
    private readonly Dictionary<UpstreamInstance, SimReplica> _replicaOf = new(ReferenceEqualityComparer.Instance);
    private readonly PriorityQueue<int, EventKey> _events = new();
    private readonly double[] _ttftMs;
    private readonly double[] _e2eMs;
    private long _sequence;
    private int _completed;
    private long _outputTokens;
    private double _lastFinishMs;
    private int _scrapes;
    private double _waitingSum;
    private double _maxWaitingSum;

    public RoutingSimulation(PreparedWorkload workload, RoutingSimulationSettings settings, string policy)
        : this(workload, settings, clock => new LoadBalancingPolicyFactory(clock, () => new Random(settings.Seed)).Create(policy, settings.Balancing))
    {
    }

    /// <param name="workload">The requests, prepared once and shared by every run.</param>
    /// <param name="settings">The fleet and the gateway.</param>
    /// <param name="createPolicy">Makes the policy, given the virtual clock it must measure time by.</param>
    public RoutingSimulation(PreparedWorkload workload, RoutingSimulationSettings settings, Func<TimeProvider, ILoadBalancingPolicy> createPolicy)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(createPolicy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.Replicas);
        _workload = workload;
        _settings = settings;
        _policy = createPolicy(_clock);
        _replicas = new SimReplica[settings.Replicas];
        _instances = new UpstreamInstance[settings.Replicas];
        for (var i = 0; i < _replicas.Length; i++)
        {
            _replicas[i] = new SimReplica(i, settings.Engine, _clock);
            _instances[i] = _replicas[i].Instance;
            _replicaOf.Add(_instances[i], _replicas[i]);
        }

        _ttftMs = new double[workload.Count];
        _e2eMs = new double[workload.Count];
    }

    public static PolicyResult Run(PreparedWorkload workload, RoutingSimulationSettings settings, string policy) =>
        new RoutingSimulation(workload, settings, policy).Run();

    public PolicyResult Run()
    {
        if (_workload.Count == 0)
        {
            throw new InvalidOperationException("The workload has no requests.");
        }

        Schedule(_workload.ArrivalMs[0], SimEventKind.Arrival, 0);
        Schedule(_workload.ArrivalMs[0], SimEventKind.Scrape, 0);
        while (_events.TryDequeue(out var subject, out var key))
        {
            _clock.NowMs = key.TimeMs;
            switch (key.Kind)
            {
                case SimEventKind.Arrival:
                    Dispatch(subject);
                    if (subject + 1 < _workload.Count)
                    {
                        Schedule(_workload.ArrivalMs[subject + 1], SimEventKind.Arrival, subject + 1);
                    }

                    break;
                case SimEventKind.StepEnd:
                    EndStep(_replicas[subject]);
                    break;
                case SimEventKind.Scrape:
                    if (_completed < _workload.Count)
                    {
                        Scrape();
                        Schedule(key.TimeMs + _settings.ScrapeInterval.TotalMilliseconds, SimEventKind.Scrape, 0);
                    }

                    break;
            }
        }

        return Summarize();
    }

    private void Schedule(double timeMs, SimEventKind kind, int subject) => _events.Enqueue(subject, new EventKey(timeMs, kind, _sequence++));

    private void Dispatch(int index)
    {
        var now = _clock.NowMs;
        var chain = _workload.Chains.Chain(_workload.PromptNode[index]);
        var request = new EngineRequest(index, _workload.PromptTokens[index], chain, _workload.MaxTokens[index], now);
        var balancing = new BalancingRequest
        {
            PrefixBlocks = chain.AsMemory(0, Math.Min(chain.Length, _settings.PrefixBlockLimit)),
            AffinityKey = _workload.AffinityKey[index],
            HasAffinityKey = _workload.HasAffinityKey[index],
            PromptBlocks = chain.Length,
        };
        var instance = _policy.Pick(_instances, in balancing);
        var replica = _replicaOf[instance];
        instance.OnRequestStarted();
        instance.OnPrefillPending(chain.Length);
        replica.Dispatched++;
        replica.Engine.Add(request);
        if (replica.CurrentStep is null)
        {
            Schedule(replica.BeginStep(now), SimEventKind.StepEnd, replica.Index);
        }
    }

    private void EndStep(SimReplica replica)
    {
        var now = _clock.NowMs;
        var step = replica.EndStep();
        foreach (var (request, finished) in CollectionsMarshal.AsSpan(step.Events))
        {
            // Recomputation after a preemption does not reset the output count, so 1 means the first token.
            if (request.OutputTokens == 1)
            {
                var ttft = now - request.ArrivalMs;
                _ttftMs[request.Id] = ttft;
                replica.Instance.Latency.Record(TimeSpan.FromMilliseconds(ttft), _clock.GetTimestamp(), _clock);
                replica.Instance.OnPrefillDone(_workload.Chains.Chain(_workload.PromptNode[request.Id]).Length);
            }

            if (finished)
            {
                _e2eMs[request.Id] = now - request.ArrivalMs;
                _outputTokens += request.OutputTokens;
                _completed++;
                _lastFinishMs = now;
                replica.Instance.OnRequestFinished();
            }
        }

        if (replica.Engine.HasWork)
        {
            Schedule(replica.BeginStep(now), SimEventKind.StepEnd, replica.Index);
        }
    }

    private void Scrape()
    {
        var timestamp = _clock.GetTimestamp();
        var maxWaiting = 0;
        foreach (var replica in _replicas)
        {
            var instance = replica.Instance;
            instance.OnLoadScraped(new InstanceLoad(replica.ExposedWaiting, replica.ExposedRunning, replica.ExposedKvUsage, timestamp, instance.InFlight));
            _waitingSum += replica.ExposedWaiting;
            maxWaiting = Math.Max(maxWaiting, replica.ExposedWaiting);
        }

        _maxWaitingSum += maxWaiting;
        _scrapes++;
    }

    private PolicyResult Summarize()
    {
        if (_completed != _workload.Count)
        {
            throw new InvalidOperationException($"Only {_completed} of {_workload.Count} requests completed.");
        }

        Percentiles.Sort(_ttftMs);
        Percentiles.Sort(_e2eMs);
        long queryTokens = 0;
        long hitTokens = 0;
        long preemptions = 0;
        var maxDispatched = 0;
        foreach (var replica in _replicas)
        {
            queryTokens += replica.Engine.PrefixQueryTokens;
            hitTokens += replica.Engine.PrefixHitTokens;
            preemptions += replica.Engine.PreemptionCount;
            maxDispatched = Math.Max(maxDispatched, replica.Dispatched);
        }

        var makespanMs = _lastFinishMs - _workload.ArrivalMs[0];
        return new PolicyResult(
            _policy.Name,
            _completed,
            Percentiles.Of(_ttftMs, 0.50),
            Percentiles.Of(_ttftMs, 0.90),
            Percentiles.Of(_ttftMs, 0.99),
            Percentiles.Of(_e2eMs, 0.50),
            Percentiles.Of(_e2eMs, 0.99),
            makespanMs > 0 ? _outputTokens / (makespanMs / 1000) : 0,
            queryTokens > 0 ? (double)hitTokens / queryTokens : 0,
            preemptions,
            (double)maxDispatched * _replicas.Length / _workload.Count,
            _scrapes > 0 ? _waitingSum / (_scrapes * (double)_replicas.Length) : 0,
            _scrapes > 0 ? _maxWaitingSum / _scrapes : 0);
    }
}
