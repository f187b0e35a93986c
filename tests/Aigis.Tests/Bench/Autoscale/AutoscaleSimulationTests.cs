using Aigis.Bench.Autoscale;
using Aigis.Bench.Routing.Simulation;
using Aigis.Bench.Routing.Workloads;
using Aigis.Core.Autoscaling;

namespace Aigis.Tests.Bench.Autoscale;

/// <summary>The autoscale simulation's outcomes in virtual time: deterministic, so they can be asserted exactly.</summary>
public sealed class AutoscaleSimulationTests
{
    private static readonly AutoscaleSettings s_settings = new() { InitialReplicas = 2, ColdStart = TimeSpan.FromSeconds(60) };

    [Fact]
    public void Same_workload_and_policy_give_the_same_numbers()
    {
        var workload = Steady(ratePerSecond: 6, seconds: 240);
        var first = Run(workload, s_settings, AutoscalingNames.Aigis);
        var second = Run(workload, s_settings, AutoscalingNames.Aigis);
        Assert.Equal(first.ToLine(), second.ToLine());
    }

    [Fact]
    public void Aigis_changes_direction_at_most_once_in_ten_minutes_of_steady_load_and_drops_nothing()
    {
        var result = Run(Steady(ratePerSecond: 8, seconds: 600), s_settings, AutoscalingNames.Aigis);
        Assert.True(result.DirectionChanges <= 1, $"{result.DirectionChanges} changes of direction");
        Assert.Equal(0, result.Dropped);
        Assert.True(result.SloAttainment >= 0.99, $"SLO attainment {result.SloAttainment}");
    }

    [Fact]
    public void Scaling_from_zero_drops_nothing_and_serves_within_a_tick_of_the_replica_being_ready()
    {
        var workload = Steady(ratePerSecond: 1, seconds: 30);
        var settings = s_settings with { InitialReplicas = 0, ColdStart = TimeSpan.FromSeconds(20) };
        var result = new AutoscaleSimulation(Prepare(workload), settings, time => new KpaPolicy(new KpaOptions { MinReplicas = 0, TargetPerReplica = 10 }, time)).Run();
        Assert.Equal(0, result.Dropped);
        Assert.Equal(workload.Count, result.Requests);

        // The first request waits for the first tick (2 s) plus the cold start (20 s), then for its prefill only.
        Assert.InRange(result.TtftP99Ms, 20_000, 23_000);
        Assert.True(result.ScaleUps >= 1);
    }

    [Fact]
    public void Requests_held_longer_than_the_hold_timeout_are_dropped_not_lost()
    {
        var workload = Steady(ratePerSecond: 1, seconds: 30);
        var settings = s_settings with { InitialReplicas = 0, ColdStart = TimeSpan.FromSeconds(20), HoldTimeout = TimeSpan.FromSeconds(10) };
        var result = new AutoscaleSimulation(Prepare(workload), settings, time => new KpaPolicy(new KpaOptions { MinReplicas = 0, TargetPerReplica = 10 }, time)).Run();
        Assert.InRange(result.Dropped, 1, workload.Count - 1);
    }

    private static AutoscaleResult Run(Workload workload, AutoscaleSettings settings, string policy) =>
        new AutoscaleSimulation(Prepare(workload), settings, time => AutoscaleBench.Create(policy, 40, 4, 3, new AutoscaleBenchArguments { Workload = "test" }, time)).Run();

    private static PreparedWorkload Prepare(Workload workload) => PreparedWorkload.From(workload, new AutoscaleSettings().Engine.BlockSize);

    /// <summary>Evenly spaced requests (no noise at all), each with its own 1000-token prompt and a 200-token answer.</summary>
    private static Workload Steady(double ratePerSecond, double seconds) =>
        new([.. Enumerable.Range(0, (int)(ratePerSecond * seconds)).Select(i =>
            new WorkloadRequest(Math.Round(i * 1000 / ratePerSecond, 3), null, [new PromptSegment($"s{i}", 1000)], 200))]);
}
