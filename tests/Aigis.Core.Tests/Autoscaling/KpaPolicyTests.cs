using Aigis.Core.Autoscaling;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Autoscaling;

public sealed class KpaPolicyTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Follows_the_stable_window_average()
    {
        var kpa = new KpaPolicy(new KpaOptions { TargetPerReplica = 10 }, _time);
        for (var i = 0; i < 30; i++)
        {
            kpa.Decide(Inputs.Ready(15, 15));
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(3, kpa.Decide(Inputs.Ready(15, 15)).Desired);
    }

    [Fact]
    public void Panics_on_a_burst_and_does_not_scale_down_until_a_stable_window_passes_without_one()
    {
        var kpa = new KpaPolicy(new KpaOptions { TargetPerReplica = 10 }, _time);
        for (var i = 0; i < 30; i++)
        {
            kpa.Decide(Inputs.Ready(5, 5));
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        var burst = kpa.Decide(Inputs.Ready(100, 100));
        Assert.Equal(ScalingReason.Panic, burst.Reason);
        Assert.True(kpa.Panicking);
        Assert.True(burst.Desired >= 8, $"panic asked for {burst.Desired}");

        // The burst ends at once; panic holds the count for a whole stable window.
        var peak = burst.Desired;
        for (var elapsed = 2; elapsed < 60; elapsed += 2)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            Assert.True(kpa.Decide(Inputs.Ready(1, 1) with { Replicas = peak }).Desired >= peak);
        }

        // The burst leaves the 6 s panic window a few seconds after it ends; a stable window after that, panic ends.
        _time.Advance(TimeSpan.FromSeconds(8));
        var after = kpa.Decide(Inputs.Ready(1, 1) with { Replicas = peak });
        Assert.False(kpa.Panicking);
        Assert.True(after.Desired < peak);
    }

    [Fact]
    public void Scales_to_zero_after_the_grace_period_and_from_zero_on_a_held_request()
    {
        var kpa = new KpaPolicy(new KpaOptions { TargetPerReplica = 10, MinReplicas = 0 }, _time);
        kpa.Decide(Inputs.Ready(3));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, kpa.Decide(Inputs.Ready(0)).Desired);
        _time.Advance(TimeSpan.FromSeconds(25));
        var idle = kpa.Decide(Inputs.Ready(0));
        Assert.Equal(0, idle.Desired);
        Assert.Equal(ScalingReason.ScaleToZero, idle.Reason);

        _time.Advance(TimeSpan.FromSeconds(60));
        var woken = kpa.Decide(new AutoscalerInput { Replicas = 0, HeldRequests = 1 });
        Assert.Equal(1, woken.Desired);
    }
}
