using Aigis.Core.Balancing;
using Aigis.Core.Configuration;
using Aigis.Core.Resilience;
using Aigis.Core.Routing;
using BenchmarkDotNet.Attributes;

namespace Aigis.Benchmarks;

/// <summary>
/// The per-request cost that instance health adds: a pick that checks every instance's health (all healthy, or one
/// ejected so the eligible ones are gathered), a pick that excludes an instance already tried (a retry), recording a
/// success and a failure for passive health, and taking from the retry budget. All must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class ResilienceBenchmark
{
    private ServiceRoute _healthy = null!;
    private ServiceRoute _oneEjected = null!;
    private UpstreamInstance[] _tried = [];
    private readonly OutlierDetectionOptions _outlier = new() { Consecutive5xx = int.MaxValue, ConsecutiveConnectFailures = int.MaxValue };
    private readonly CircuitBreakerOptions _breaker = new() { MinimumThroughput = int.MaxValue };

    [GlobalSetup]
    public void Setup()
    {
        _healthy = Route();
        _oneEjected = Route();
        var outlier = new OutlierDetectionOptions { Consecutive5xx = 1, BaseEjectionTime = TimeSpan.FromHours(1), MaxEjectionTime = TimeSpan.FromHours(1) };
        OutlierDetector.Record(_oneEjected.Instances, _oneEjected.Instances[3], AttemptResult.ServerError, outlier, _breaker);
        _tried = [_healthy.Instances[0]];
    }

    [Benchmark]
    public UpstreamInstance? PickAllHealthy() => _healthy.Pick();

    [Benchmark]
    public UpstreamInstance? PickWithOneEjected() => _oneEjected.Pick();

    [Benchmark]
    public UpstreamInstance? PickForRetry() => _healthy.Pick(BalancingRequest.None, _tried);

    [Benchmark]
    public PassiveHealthChange RecordSuccess() => OutlierDetector.Record(_healthy.Instances, _healthy.Instances[1], AttemptResult.Success, _outlier, _breaker);

    [Benchmark]
    public PassiveHealthChange RecordFailure() => OutlierDetector.Record(_healthy.Instances, _healthy.Instances[2], AttemptResult.ServerError, _outlier, _breaker);

    [Benchmark]
    public bool RetryBudget()
    {
        _healthy.RetryBudget.OnRequest();
        return _healthy.RetryBudget.CanRetry();
    }

    private static ServiceRoute Route()
    {
        var instances = Enumerable.Range(0, 8).Select(i => new UpstreamInstance("chat", $"i{i}", new Uri($"http://127.0.0.1:{10_000 + i}"), TimeProvider.System)).ToArray();
        return new ServiceRoute(new ServiceConfig { Name = "chat" }, instances, new LoadBalancingPolicyFactory(TimeProvider.System, () => new Random(2)).Create("power-of-two", new BalancingOptions()), new Aigis.Core.Resilience.RetryBudget(new(), TimeProvider.System));
    }
}
