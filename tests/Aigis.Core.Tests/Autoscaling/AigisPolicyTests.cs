using Aigis.Core.Autoscaling;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Autoscaling;

public sealed class AigisPolicyTests
{
    private readonly FakeTimeProvider _time = new();

    private AigisPolicy Create(int min = 1) => new(new AigisScalingOptions { TargetPerReplica = 50, RatePerReplica = 4, MinReplicas = min }, _time);

    [Fact]
    public void Scales_up_on_the_first_tick_the_rate_needs_it()
    {
        var policy = Create();
        var decision = policy.Decide(Inputs.WithRate(20, 10, 10));
        Assert.Equal(5, decision.Desired);
        Assert.Equal(ScalingReason.ScaleUp, decision.Reason);
    }

    [Fact]
    public void Scales_down_one_replica_at_a_time_and_only_after_the_window_agrees()
    {
        var policy = Create();
        for (var t = 0; t < 30; t++)
        {
            policy.Decide(Inputs.WithRate(16, 10, 10, 10, 10, 10));
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        // The load halves: nothing goes until a whole scale-down window recommends fewer.
        var decisions = new List<ScalingDecision>();
        for (var t = 0; t < 40; t++)
        {
            decisions.Add(policy.Decide(Inputs.WithRate(6, 5, 5, 5, 5, 5)));
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.All(decisions.Take(25), d => Assert.Equal(5, d.Desired));
        Assert.Contains(decisions, d => d.Desired == 4 && d.Reason == ScalingReason.ScaleDown);
        Assert.All(decisions, d => Assert.True(d.Desired >= 4));
    }

    [Fact]
    public void Steady_noisy_load_does_not_flap()
    {
        var policy = Create();
        var random = new Random(5);
        var replicas = 4;
        var changes = 0;
        var lastDirection = 0;
        for (var t = 0; t < 300; t++)
        {
            // Poisson-like noise around 12 req/s, 3 per replica at 4 replicas' capacity of 16.
            var rate = 12 + (random.NextDouble() * 6) - 3;
            var decision = policy.Decide(Inputs.WithRate(rate, [.. Enumerable.Repeat<double?>(rate * 3 / replicas, replicas)]));
            var direction = Math.Sign(decision.Desired - replicas);
            if (direction != 0)
            {
                changes += lastDirection != 0 && direction != lastDirection ? 1 : 0;
                lastDirection = direction;
                replicas = decision.Desired;
            }

            _time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.True(changes <= 1, $"{changes} changes of direction in 10 minutes");
    }

    [Fact]
    public void A_replica_without_metrics_does_not_block_a_scale_up()
    {
        var policy = Create();
        Assert.Equal(5, policy.Decide(Inputs.WithRate(20, 10, null)).Desired);
    }

    [Fact]
    public void Scales_to_zero_when_idle_for_the_grace_period_and_back_on_a_held_request()
    {
        var policy = Create(min: 0);
        policy.Decide(Inputs.WithRate(1, 1));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, policy.Decide(Inputs.WithRate(0, 0)).Desired);
        _time.Advance(TimeSpan.FromSeconds(31));
        var idle = policy.Decide(Inputs.WithRate(0, 0));
        Assert.Equal(ScalingReason.ScaleToZero, idle.Reason);
        Assert.Equal(0, idle.Desired);

        var woken = policy.Decide(new AutoscalerInput { Replicas = 0, HeldRequests = 2 });
        Assert.Equal(ScalingReason.ScaleFromZero, woken.Reason);
        Assert.Equal(1, woken.Desired);
    }

    [Fact]
    public void Believes_a_replica_serves_less_when_replicas_queue()
    {
        var policy = Create();
        var queued = new AutoscalerInput { Replicas = 2, ArrivalsPerSecond = 8, Samples = [new(true, 30, 5), new(true, 30, 5)] };
        for (var t = 0; t < 10; t++)
        {
            policy.Decide(queued);
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.True(policy.RatePerReplica < 4);
        Assert.True(policy.Decide(queued).Desired >= 3);
    }
}
