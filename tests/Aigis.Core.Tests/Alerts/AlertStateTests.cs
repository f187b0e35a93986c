using Aigis.Core.Alerts;

namespace Aigis.Core.Tests.Alerts;

public sealed class AlertStateTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Flow_inactive_pending_firing_resolved()
    {
        var state = new AlertState(TimeSpan.FromMinutes(1));

        Assert.Equal(AlertTransition.None, state.Evaluate(true, 2, s_t0));
        Assert.Equal(AlertPhase.Pending, state.Phase);
        Assert.Equal(AlertTransition.None, state.Evaluate(true, 2, s_t0.AddSeconds(59)));
        Assert.Equal(AlertTransition.Fired, state.Evaluate(true, 2, s_t0.AddSeconds(60)));
        Assert.Equal(AlertPhase.Firing, state.Phase);
        Assert.Equal(AlertTransition.None, state.Evaluate(true, 3, s_t0.AddSeconds(90)));
        Assert.Equal(AlertTransition.Resolved, state.Evaluate(false, 0, s_t0.AddSeconds(120)));
        Assert.Equal(AlertPhase.Inactive, state.Phase);
        Assert.Equal(AlertTransition.None, state.Evaluate(false, 0, s_t0.AddSeconds(130)));
    }

    [Fact]
    public void A_condition_that_ends_while_pending_ends_quietly_and_starts_over()
    {
        var state = new AlertState(TimeSpan.FromMinutes(1));

        state.Evaluate(true, 1, s_t0);
        Assert.Equal(AlertTransition.None, state.Evaluate(false, 0, s_t0.AddSeconds(30)));
        Assert.Equal(AlertTransition.None, state.Evaluate(true, 1, s_t0.AddSeconds(40)));
        Assert.Equal(AlertTransition.None, state.Evaluate(true, 1, s_t0.AddSeconds(90)));
        Assert.Equal(AlertTransition.Fired, state.Evaluate(true, 1, s_t0.AddSeconds(100)));
    }

    [Fact]
    public void A_rule_without_for_fires_at_the_first_evaluation()
    {
        Assert.Equal(AlertTransition.Fired, new AlertState(TimeSpan.Zero).Evaluate(true, 1, s_t0));
    }

    [Fact]
    public void Sliding_window_forgets_what_left_the_window()
    {
        var window = new SlidingWindow(TimeSpan.FromSeconds(30));

        window.Add(TimeSpan.FromSeconds(1), 5);
        window.Add(TimeSpan.FromSeconds(20), 3);
        Assert.Equal(8, window.Sum(TimeSpan.FromSeconds(25)));
        Assert.Equal(3, window.Sum(TimeSpan.FromSeconds(40)));
        Assert.Equal(0, window.Sum(TimeSpan.FromSeconds(60)));
        window.Add(TimeSpan.FromSeconds(61), 1);
        Assert.Equal(1, window.Sum(TimeSpan.FromSeconds(61)));
    }

    [Fact]
    public void Quantile_estimate_is_within_a_bucket_of_the_truth()
    {
        Span<double> counts = stackalloc double[QuantileBuckets.Count];
        for (var i = 1; i <= 100; i++)
        {
            counts[QuantileBuckets.IndexOf(i / 100.0)]++;
        }

        var p90 = QuantileBuckets.Estimate(counts, 0.9)!.Value;
        Assert.InRange(p90, 0.9, 0.9 * QuantileBuckets.Growth);
        Assert.Null(QuantileBuckets.Estimate(new double[QuantileBuckets.Count], 0.5));
    }
}
