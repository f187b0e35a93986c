using Aigis.Core.Routing;
using Aigis.Deployers;
using Aigis.Hosting;

namespace Aigis.Resilience;

/// <summary>
/// Probes every instance of each service that has a <c>health</c> section, whatever its runtime, at the service's
/// interval, and feeds the results to the instances' health (thresholds, logging and counting in
/// <see cref="InstanceHealthEvents"/>). The probe itself is the deployer's <see cref="HealthProbe"/>, which process
/// replicas pass once before they are published; from then on this loop keeps checking them like any other instance.
/// The same loop notices ejections that have ended, so returns are logged near when they happen.
/// </summary>
internal sealed class ActiveHealthChecker : ControlLoop
{
    /// <summary>How often the loop looks for instances due a probe; each service probes at its own interval.</summary>
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(50);

    private readonly GatewayState _state;
    private readonly InstanceHealthEvents _events;
    private readonly TimeProvider _time;
    private readonly HttpClient _client;
    private readonly HealthProbe _probe;
    private readonly Dictionary<UpstreamInstance, long> _lastProbe = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<UpstreamInstance> _inProgress = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _lock = new();
    private Core.Routing.RouteTable? _seen;

    public ActiveHealthChecker(GatewayState state, InstanceHealthEvents events, TimeProvider time)
    {
        _state = state;
        _events = events;
        _time = time;
        _client = HealthProbe.CreateClient();
        _probe = new HealthProbe(_client, s_tick, time);
    }

    public override void Dispose()
    {
        base.Dispose();
        _client.Dispose();
    }

    /// <summary>Starts a probe of every instance whose service's interval has passed since its last one.</summary>
    internal void ProbeDue(CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var routes = _state.Routes;
        if (!ReferenceEquals(routes, _seen))
        {
            Forget(routes);
        }

        foreach (var route in routes.ByName.Values)
        {
            _events.NoticeReturns(route);
            if (route.Config.Health is not { } options)
            {
                continue;
            }

            foreach (var instance in route.Instances)
            {
                lock (_lock)
                {
                    var due = !_lastProbe.TryGetValue(instance, out var last) || _time.GetElapsedTime(last, now) >= options.Interval;
                    if (!due || !_inProgress.Add(instance))
                    {
                        continue;
                    }

                    _lastProbe[instance] = now;
                }

                _ = ProbeAsync(route, instance, options, cancellationToken);
            }
        }
    }

    /// <summary>A new table (a reload, a replica replaced): instances that left it are forgotten, so restarts do not pile up.</summary>
    private void Forget(Core.Routing.RouteTable routes)
    {
        _seen = routes;
        var current = new HashSet<UpstreamInstance>(routes.ByName.Values.SelectMany(r => r.Instances), ReferenceEqualityComparer.Instance);
        lock (_lock)
        {
            foreach (var instance in _lastProbe.Keys.Where(i => !current.Contains(i)).ToArray())
            {
                _lastProbe.Remove(instance);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_tick, _time);
        do
        {
            ProbeDue(cancellationToken);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private async Task ProbeAsync(ServiceRoute route, UpstreamInstance instance, Core.Resilience.HealthCheckOptions options, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = new CancellationTokenSource(options.Timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var (passed, detail) = await _probe.CheckAsync(new Uri(instance.Url, options.Path), linked.Token);
            if (!cancellationToken.IsCancellationRequested)
            {
                _events.RecordProbe(route.Name, instance, passed, options, detail);
            }
        }
        finally
        {
            lock (_lock)
            {
                _inProgress.Remove(instance);
            }
        }
    }
}
