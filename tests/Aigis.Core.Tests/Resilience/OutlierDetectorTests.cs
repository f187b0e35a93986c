using Aigis.Core.Resilience;
using Aigis.Core.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Resilience;

public sealed class OutlierDetectorTests
{
    private static readonly OutlierDetectionOptions s_outlier = new()
    {
        Consecutive5xx = 5, ConsecutiveConnectFailures = 3, BaseEjectionTime = TimeSpan.FromSeconds(30), MaxEjectionTime = TimeSpan.FromSeconds(100), MaxEjectionPercent = 50,
    };

    // A breaker that never opens here, so these tests see the outlier detector alone.
    private static readonly CircuitBreakerOptions s_noBreaker = new() { MinimumThroughput = 100_000 };

    private readonly FakeTimeProvider _time = new();

    private UpstreamInstance[] Instances(int count) =>
        Enumerable.Range(0, count).Select(i => new UpstreamInstance("chat", $"gpu-{i}", new Uri($"http://127.0.0.1:{9000 + i}"), _time)).ToArray();

    private static PassiveHealthChange Fail(UpstreamInstance[] all, UpstreamInstance instance, AttemptResult result = AttemptResult.ServerError, int times = 1)
    {
        var change = default(PassiveHealthChange);
        for (var i = 0; i < times; i++)
        {
            change = OutlierDetector.Record(all, instance, result, s_outlier, s_noBreaker);
        }

        return change;
    }

    [Fact]
    public void Ejects_instance_after_five_consecutive_failures_and_returns_it_after_the_base_time()
    {
        var all = Instances(4);
        Assert.Null(Fail(all, all[0], times: 4).EjectedFor);
        Assert.True(all[0].IsHealthy);

        Assert.Equal(TimeSpan.FromSeconds(30), Fail(all, all[0]).EjectedFor);
        Assert.False(all[0].IsHealthy);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(all[0].IsHealthy);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(all[0].IsHealthy);
        Assert.False(all[0].Health.IsEjected);
    }

    [Fact]
    public void A_success_breaks_the_run_of_failures()
    {
        var all = Instances(2);
        Fail(all, all[0], times: 4);
        OutlierDetector.Record(all, all[0], AttemptResult.Success, s_outlier, s_noBreaker);
        Assert.Null(Fail(all, all[0], times: 4).EjectedFor);
        Assert.True(all[0].IsHealthy);
    }

    [Fact]
    public void Three_connect_failures_in_a_row_eject_sooner_than_five_errors()
    {
        var all = Instances(2);
        Assert.Null(Fail(all, all[1], AttemptResult.ConnectFailure, times: 2).EjectedFor);
        Assert.NotNull(Fail(all, all[1], AttemptResult.ConnectFailure).EjectedFor);
    }

    [Fact]
    public void Each_ejection_lasts_longer_up_to_the_maximum()
    {
        var all = Instances(2);
        var lengths = new List<TimeSpan>();
        for (var round = 0; round < 5; round++)
        {
            lengths.Add(Fail(all, all[0], times: 5).EjectedFor!.Value);
            _time.Advance(lengths[^1]);
        }

        Assert.Equal([30, 60, 90, 100, 100], lengths.Select(l => (int)l.TotalSeconds));
    }

    [Fact]
    public void The_ejection_multiplier_decays_while_the_instance_serves()
    {
        var all = Instances(2);
        Fail(all, all[0], times: 5);
        _time.Advance(TimeSpan.FromSeconds(30));
        Fail(all, all[0], times: 5);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(2, all[0].Health.EjectionCount);

        // Two base times in rotation take the count from 2 back to 0, so the next ejection is a first one again.
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(TimeSpan.FromSeconds(30), Fail(all, all[0], times: 5).EjectedFor);
    }

    [Fact]
    public void Never_ejects_more_than_the_max_percent_of_a_service_at_once()
    {
        var all = Instances(4);
        Assert.NotNull(Fail(all, all[0], times: 5).EjectedFor);
        Assert.NotNull(Fail(all, all[1], times: 5).EjectedFor);

        var third = Fail(all, all[2], times: 5);
        Assert.Null(third.EjectedFor);
        Assert.True(third.EjectionCapped);
        Assert.True(all[2].IsHealthy);

        // Once one returns there is room again.
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.NotNull(Fail(all, all[2], times: 5).EjectedFor);
    }

    [Fact]
    public void One_instance_may_always_be_ejected_even_under_a_small_percent()
    {
        var all = Instances(2);
        var options = s_outlier with { MaxEjectionPercent = 10 };
        for (var i = 0; i < 4; i++)
        {
            OutlierDetector.Record(all, all[0], AttemptResult.ServerError, options, s_noBreaker);
        }

        Assert.NotNull(OutlierDetector.Record(all, all[0], AttemptResult.ServerError, options, s_noBreaker).EjectedFor);
        Assert.False(all[0].IsHealthy);
    }

    [Fact]
    public void Picks_skip_ejected_instances()
    {
        var all = Instances(3);
        var route = new ServiceRoute(new Core.Configuration.ServiceConfig { Name = "chat" }, all, new Core.Balancing.LoadBalancingPolicyFactory(_time, () => new Random(1)).Create("round-robin", new()), new RetryBudget(new(), _time));
        Fail(all, all[1], times: 5);
        for (var i = 0; i < 20; i++)
        {
            Assert.NotSame(all[1], route.Pick());
        }

        Assert.Same(all[2], route.Pick(Core.Balancing.BalancingRequest.None, [all[0]]));
    }
}
