using Aigis.Core.Autoscaling;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Autoscaling;

public sealed class HpaPolicyTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Holds_the_count_while_the_metric_is_within_ten_percent_of_the_target()
    {
        var hpa = new HpaPolicy(new HpaOptions { TargetPerReplica = 8 }, _time);
        var decision = hpa.Decide(Inputs.Ready(8.7, 8.7, 8.7));
        Assert.Equal(3, decision.Desired);
        Assert.Equal(ScalingReason.WithinTolerance, decision.Reason);
        Assert.Equal(8.7, decision.Metric, 3);
    }

    [Fact]
    public void Scales_up_to_the_ceiling_of_replicas_times_the_ratio()
    {
        var hpa = new HpaPolicy(new HpaOptions { TargetPerReplica = 8 }, _time);
        var decision = hpa.Decide(Inputs.Ready(20, 20));
        Assert.Equal(5, decision.Desired);
        Assert.Equal(ScalingReason.ScaleUp, decision.Reason);
    }

    [Fact]
    public void Stabilization_keeps_the_highest_count_of_the_last_five_minutes_so_a_dip_does_not_flap()
    {
        var hpa = new HpaPolicy(new HpaOptions { TargetPerReplica = 8 }, _time);
        Assert.Equal(4, hpa.Decide(Inputs.Ready(8, 8, 8, 8)).Desired);
        for (var elapsed = 15; elapsed < 300; elapsed += 15)
        {
            _time.Advance(TimeSpan.FromSeconds(15));
            var held = hpa.Decide(Inputs.Ready(1, 1, 1, 1));
            Assert.Equal(4, held.Desired);
            Assert.Equal(ScalingReason.Stabilized, held.Reason);
            Assert.Equal(1, held.Recommendation);
        }

        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(1, hpa.Decide(Inputs.Ready(1, 1, 1, 1)).Desired);
    }

    [Fact]
    public void A_replica_without_metrics_does_not_block_scaling_and_only_softens_it()
    {
        var hpa = new HpaPolicy(new HpaOptions { TargetPerReplica = 8, ScaleDownStabilization = TimeSpan.Zero }, _time);

        // Up: the silent replica counts as idle, so 48 in flight over 3 replicas asks for 6, not 2 x 24 / 8 = 6 per reporting pair.
        Assert.Equal(6, hpa.Decide(Inputs.Ready(24, 24, null)).Desired);

        // Down: the silent replica counts as exactly at target, so the decision is smaller than if it were idle.
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(2, hpa.Decide(Inputs.Ready(1, 1, null)).Desired);
    }

    [Fact]
    public void No_replica_reporting_holds_the_count()
    {
        var hpa = new HpaPolicy(new HpaOptions { TargetPerReplica = 8 }, _time);
        Assert.Equal(3, hpa.Decide(Inputs.Ready(null, null, null)).Desired);
    }

    [Fact]
    public void Scale_up_per_period_is_limited_to_double_or_four_more()
    {
        var hpa = new HpaPolicy(new HpaOptions { TargetPerReplica = 1 }, _time);
        var first = hpa.Decide(Inputs.Ready(100));
        Assert.Equal(5, first.Desired);
        Assert.Equal(ScalingReason.RateLimited, first.Reason);
        Assert.Equal(100, first.Recommendation);
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(10, hpa.Decide(Inputs.Ready(20, 20, 20, 20, 20)).Desired);
    }

    [Fact]
    public void Stays_within_min_and_max()
    {
        var hpa = new HpaPolicy(new HpaOptions { TargetPerReplica = 8, MinReplicas = 2, MaxReplicas = 6, ScaleDownStabilization = TimeSpan.Zero }, _time);
        Assert.Equal(6, hpa.Decide(Inputs.Ready(40, 40, 40)).Desired);
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(2, hpa.Decide(Inputs.Ready(0, 0, 0, 0, 0, 0)).Desired);
    }

    [Fact]
    public void Refuses_min_above_max_naming_both()
    {
        var error = Assert.Throws<ArgumentException>(() => new HpaPolicy(new HpaOptions { MinReplicas = 5, MaxReplicas = 2 }, _time));
        Assert.Contains("MinReplicas (5) must not be above MaxReplicas (2)", error.Message, StringComparison.Ordinal);
    }
}
