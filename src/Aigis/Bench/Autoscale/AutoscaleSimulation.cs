using System.Globalization;
using System.Runtime.InteropServices;
using Aigis.Bench.Routing.Simulation;
using Aigis.Core.Autoscaling;
using Aigis.Core.Balancing;
using Aigis.Core.Routing;
using Aigis.Sim.Engine;

namespace Aigis.Bench.Autoscale;

/// <summary>
/// One service behind a real autoscaling policy and a real balancer, in virtual time: the routing bench's simulated
/// LLM servers (<see cref="SimReplica"/>, <see cref="EngineCore"/>), a fleet whose size the policy sets, replicas
/// that serve only after their cold start, and a gateway that holds requests while no replica is ready.
/// </summary>
/// <remarks>
/// The policy sees what the control plane would: per replica, whether it is ready, the gateway's in-flight count
/// and the last scraped queue and KV usage; the arrivals per second and the time-to-first-token p90 since the last
/// tick. A replica asked for counts toward replica-seconds from that moment (it holds its GPU while loading); a
/// replica scaled down stops taking requests, finishes what it has, and counts until then. Scaling down cancels
/// replicas still starting before it drains ready ones; scaling up takes back draining ones before starting new.
/// Deterministic: same workload, settings and policy, same numbers.
/// </remarks>
internal sealed class AutoscaleSimulation
{
    private enum State : byte { Starting, Ready, Draining, Gone }

    private readonly PreparedWorkload _workload;
    private readonly AutoscaleSettings _settings;
    private readonly VirtualClock _clock = new();
    private readonly IAutoscalingPolicy _policy;
    private readonly ILoadBalancingPolicy _balancer;
    private readonly List<SimReplica> _replicas = [];
    private readonly List<State> _states = [];
    private readonly List<double> _startMs = [];
    private readonly List<double> _stopMs = [];
    private readonly Dictionary<UpstreamInstance, SimReplica> _replicaOf = new(ReferenceEqualityComparer.Instance);
    private readonly PriorityQueue<int, EventKey> _events = new();
    private readonly Queue<int> _held = new();
    private readonly List<double> _tickTtfts = [];
    private readonly double[] _ttftMs;
    private UpstreamInstance[] _ready = [];
    private long _sequence;
    private int _finished;
    private int _dropped;
    private int _arrivalsSinceTick;
    private double _lastTickMs;
    private double _lastFinishMs;
    private int _scaleUps, _scaleDowns, _directionChanges, _lastDirection, _maxReplicas;
    private double _inFlightSum;
    private int _inFlightTicks;

    public AutoscaleSimulation(PreparedWorkload workload, AutoscaleSettings settings, Func<TimeProvider, IAutoscalingPolicy> createPolicy)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(createPolicy);
        _workload = workload;
        _settings = settings;
        _policy = createPolicy(_clock);
        _balancer = new LoadBalancingPolicyFactory(_clock, () => new Random(settings.Seed)).Create(settings.Balancer);
        _ttftMs = new double[workload.Count];
        Array.Fill(_ttftMs, double.PositiveInfinity);
    }

    public AutoscaleResult Run()
    {
        var start = _workload.ArrivalMs[0];
        _clock.NowMs = start;
        _lastTickMs = start;
        for (var i = 0; i < _settings.InitialReplicas; i++)
        {
            StartReplica(start, ready: true);
        }

        Schedule(start, SimEventKind.Arrival, 0);
        Schedule(start, SimEventKind.Scrape, 0);
        Schedule(start + _policy.Period.TotalMilliseconds, SimEventKind.ControlTick, 0);
        while (_events.TryDequeue(out var subject, out var key))
        {
            _clock.NowMs = key.TimeMs;
            switch (key.Kind)
            {
                case SimEventKind.Arrival:
                    Arrive(subject);
                    if (subject + 1 < _workload.Count)
                    {
                        Schedule(_workload.ArrivalMs[subject + 1], SimEventKind.Arrival, subject + 1);
                    }

                    break;
                case SimEventKind.StepEnd:
                    EndStep(subject);
                    break;
                case SimEventKind.Scrape when !Done:
                    Scrape();
                    Schedule(key.TimeMs + _settings.ScrapeInterval.TotalMilliseconds, SimEventKind.Scrape, 0);
                    break;
                case SimEventKind.ReplicaReady when _states[subject] == State.Starting:
                    _states[subject] = State.Ready;
                    RebuildReady();
                    while (_held.TryDequeue(out var held))
                    {
                        Dispatch(held);
                    }

                    break;
                case SimEventKind.ControlTick when !Done:
                    Tick();
                    Schedule(key.TimeMs + _policy.Period.TotalMilliseconds, SimEventKind.ControlTick, 0);
                    break;
            }
        }

        return Summarize(start);
    }

    private bool Done => _finished + _dropped == _workload.Count;

    private void Schedule(double timeMs, SimEventKind kind, int subject) => _events.Enqueue(subject, new EventKey(timeMs, kind, _sequence++));

    private void Arrive(int index)
    {
        _arrivalsSinceTick++;
        if (_ready.Length > 0)
        {
            Dispatch(index);
        }
        else if (_held.Count < _settings.HoldLimit)
        {
            _held.Enqueue(index);
        }
        else
        {
            _dropped++;
        }
    }

    private void Dispatch(int index)
    {
        var chain = _workload.Chains.Chain(_workload.PromptNode[index]);
        var balancing = new BalancingRequest
        {
            PrefixBlocks = chain.AsMemory(0, Math.Min(chain.Length, RoutingSimulationSettings.DefaultPrefixBlockLimit)),
            AffinityKey = _workload.AffinityKey[index],
            HasAffinityKey = _workload.HasAffinityKey[index],
            PromptBlocks = chain.Length,
        };
        var instance = _balancer.Pick(_ready, in balancing);
        var replica = _replicaOf[instance];
        instance.OnRequestStarted();
        instance.OnPrefillPending(chain.Length);
        replica.Dispatched++;
        replica.Engine.Add(new EngineRequest(index, _workload.PromptTokens[index], chain, _workload.MaxTokens[index], _workload.ArrivalMs[index]));
        if (replica.CurrentStep is null)
        {
            Schedule(replica.BeginStep(_clock.NowMs), SimEventKind.StepEnd, replica.Index);
        }
    }

    private void EndStep(int index)
    {
        var now = _clock.NowMs;
        var replica = _replicas[index];
        var step = replica.EndStep();
        foreach (var (request, finished) in CollectionsMarshal.AsSpan(step.Events))
        {
            if (request.OutputTokens == 1)
            {
                var ttft = now - _workload.ArrivalMs[request.Id];
                _ttftMs[request.Id] = ttft;
                _tickTtfts.Add(ttft);
                replica.Instance.Latency.Record(TimeSpan.FromMilliseconds(ttft), _clock.GetTimestamp(), _clock);
                replica.Instance.OnPrefillDone(_workload.Chains.Chain(_workload.PromptNode[request.Id]).Length);
            }

            if (finished)
            {
                _finished++;
                _lastFinishMs = now;
                replica.Instance.OnRequestFinished();
            }
        }

        if (replica.Engine.HasWork)
        {
            Schedule(replica.BeginStep(now), SimEventKind.StepEnd, index);
        }
        else if (_states[index] == State.Draining)
        {
            Stop(index);
        }
    }

    private void Scrape()
    {
        var timestamp = _clock.GetTimestamp();
        foreach (var instance in _ready)
        {
            var replica = _replicaOf[instance];
            instance.OnLoadScraped(new InstanceLoad(replica.ExposedWaiting, replica.ExposedRunning, replica.ExposedKvUsage, timestamp, instance.InFlight));
        }
    }

    private void Tick()
    {
        var now = _clock.NowMs;
        while (_held.TryPeek(out var oldest) && now - _workload.ArrivalMs[oldest] > _settings.HoldTimeout.TotalMilliseconds)
        {
            _held.Dequeue();
            _dropped++;
        }

        var samples = new List<ReplicaSample>(_replicas.Count);
        for (var i = 0; i < _replicas.Count; i++)
        {
            if (_states[i] == State.Starting)
            {
                samples.Add(new ReplicaSample(false, null));
            }
            else if (_states[i] == State.Ready)
            {
                var replica = _replicas[i];
                samples.Add(new ReplicaSample(true, replica.Instance.InFlight, replica.ExposedWaiting, replica.ExposedKvUsage));
            }
        }

        double? p90 = null;
        if (_tickTtfts.Count > 0)
        {
            _tickTtfts.Sort();
            p90 = Percentiles.Of(CollectionsMarshal.AsSpan(_tickTtfts), 0.90);
        }

        var seconds = Math.Max(1e-9, (now - _lastTickMs) / 1000);
        var input = new AutoscalerInput
        {
            Replicas = samples.Count,
            Samples = samples,
            HeldRequests = _held.Count,
            ArrivalsPerSecond = _arrivalsSinceTick / seconds,
            TtftP90Ms = p90,
        };
        if (_ready.Length > 0)
        {
            _inFlightSum += (input.TotalInFlight - input.HeldRequests) / _ready.Length;
            _inFlightTicks++;
        }

        _tickTtfts.Clear();
        _arrivalsSinceTick = 0;
        _lastTickMs = now;
        var decision = _policy.Decide(input);
        _settings.DecisionLog?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{_policy.Name} t={now / 1000:F0}s replicas={samples.Count} ready={_ready.Length} in_flight={input.TotalInFlight} waiting={input.TotalWaiting} held={_held.Count} rate={input.ArrivalsPerSecond:F1} ttft_p90={p90:F0} -> {decision.Desired} {decision.Reason} (asked {decision.Recommendation}, metric {decision.Metric:F1}, target {decision.Target:F1})"));

        Apply(decision.Desired, samples.Count);
    }

    private void Apply(int desired, int live)
    {
        if (desired == live)
        {
            return;
        }

        var direction = Math.Sign(desired - live);
        _ = direction > 0 ? _scaleUps++ : _scaleDowns++;
        _directionChanges += _lastDirection != 0 && direction != _lastDirection ? 1 : 0;
        _lastDirection = direction;
        var now = _clock.NowMs;
        for (var i = 0; i < _replicas.Count && live < desired; i++)
        {
            if (_states[i] == State.Draining)
            {
                _states[i] = State.Ready;
                live++;
            }
        }

        while (live < desired)
        {
            StartReplica(now, ready: false);
            live++;
        }

        for (var i = _replicas.Count - 1; i >= 0 && live > desired; i--)
        {
            if (_states[i] == State.Starting)
            {
                Stop(i);
                live--;
            }
        }

        while (live > desired)
        {
            var idlest = -1;
            for (var i = 0; i < _replicas.Count; i++)
            {
                if (_states[i] == State.Ready && (idlest < 0 || _replicas[i].Instance.InFlight < _replicas[idlest].Instance.InFlight))
                {
                    idlest = i;
                }
            }

            _states[idlest] = State.Draining;
            if (!_replicas[idlest].Engine.HasWork && _replicas[idlest].CurrentStep is null)
            {
                Stop(idlest);
            }

            live--;
        }

        RebuildReady();
        var running = 0;
        foreach (var state in _states)
        {
            running += state is State.Gone ? 0 : 1;
        }

        _maxReplicas = Math.Max(_maxReplicas, running);
    }

    private void StartReplica(double nowMs, bool ready)
    {
        var replica = new SimReplica(_replicas.Count, _settings.Engine, _clock);
        _replicas.Add(replica);
        _states.Add(ready ? State.Ready : State.Starting);
        _startMs.Add(nowMs);
        _stopMs.Add(double.NaN);
        _replicaOf.Add(replica.Instance, replica);
        _maxReplicas = Math.Max(_maxReplicas, _replicas.Count - _stopMs.Count(s => !double.IsNaN(s)));
        if (ready)
        {
            RebuildReady();
        }
        else
        {
            Schedule(nowMs + _settings.ColdStart.TotalMilliseconds, SimEventKind.ReplicaReady, replica.Index);
        }
    }

    private void Stop(int index)
    {
        _states[index] = State.Gone;
        _stopMs[index] = _clock.NowMs;
    }

    private void RebuildReady()
    {
        var ready = new List<UpstreamInstance>(_replicas.Count);
        for (var i = 0; i < _replicas.Count; i++)
        {
            if (_states[i] == State.Ready)
            {
                ready.Add(_replicas[i].Instance);
            }
        }

        _ready = [.. ready];
    }

    private AutoscaleResult Summarize(double start)
    {
        var end = Math.Max(_lastFinishMs, _clock.NowMs);
        double replicaMs = 0;
        for (var i = 0; i < _replicas.Count; i++)
        {
            replicaMs += (double.IsNaN(_stopMs[i]) ? end : _stopMs[i]) - _startMs[i];
        }

        var met = _ttftMs.Count(t => t <= _settings.SloTtftMs);
        var served = _ttftMs.Where(double.IsFinite).ToArray();
        Array.Sort(served);
        return new AutoscaleResult(
            _policy.Name, _workload.Count, (double)met / _workload.Count, Percentiles.Of(served, 0.50), Percentiles.Of(served, 0.99),
            replicaMs / 1000, _scaleUps, _scaleDowns, _directionChanges, _dropped, _maxReplicas)
        {
            MeanInFlightPerReplica = _inFlightTicks > 0 ? _inFlightSum / _inFlightTicks : 0,
            Seconds = (end - start) / 1000,
        };
    }
}
