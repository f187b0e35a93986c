using Aigis.Deployers;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Tests.Deployers;

public sealed class RestartPolicyTests
{
    private static readonly ProcessDeployerOptions s_defaults = new();

    [Fact]
    public void Backoff_doubles_from_one_second_and_stops_at_thirty()
    {
        var backoff = new BackoffPolicy(s_defaults.InitialBackoff, s_defaults.MaxBackoff);

        var delays = Enumerable.Range(1, 8).Select(backoff.DelayAfter).Select(d => d.TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
    }

    [Fact]
    public void Backoff_saturates_instead_of_overflowing_after_very_many_failures()
    {
        var backoff = new BackoffPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(30), backoff.DelayAfter(10_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => backoff.DelayAfter(0));
    }

    [Fact]
    public void Five_failures_within_two_minutes_are_a_crash_loop()
    {
        var time = new FakeTimeProvider();
        var policy = new RestartPolicy(s_defaults, time);
        var decisions = new List<RestartDecision>();

        // Each failure right after the backoff that preceded it, as a command that exits at once produces.
        for (var i = 0; i < 5; i++)
        {
            var decision = policy.RecordFailure();
            decisions.Add(decision);
            time.Advance(decision.Delay);
        }

        Assert.Equal([1, 2, 4, 8], decisions.Take(4).Select(d => d.Delay.TotalSeconds));
        Assert.All(decisions.Take(4), d => Assert.False(d.IsCrashLoop));
        Assert.True(decisions[4].IsCrashLoop);
        Assert.Equal(5, decisions[4].RecentFailures);
    }

    [Fact]
    public void Failures_spread_wider_than_the_window_back_off_to_the_cap_without_a_crash_loop()
    {
        var time = new FakeTimeProvider();
        var policy = new RestartPolicy(s_defaults, time);
        var decisions = new List<RestartDecision>();

        // A replica that never becomes healthy and takes 31s to fail each start: at most 4 failures per 2 minutes.
        for (var i = 0; i < 8; i++)
        {
            decisions.Add(policy.RecordFailure());
            time.Advance(TimeSpan.FromSeconds(31));
        }

        Assert.All(decisions, d => Assert.False(d.IsCrashLoop));
        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], decisions.Select(d => d.Delay.TotalSeconds));
        Assert.Equal(4, decisions[^1].RecentFailures);
    }

    [Fact]
    public void A_healthy_run_restarts_the_backoff_from_one_second()
    {
        var time = new FakeTimeProvider();
        var policy = new RestartPolicy(s_defaults, time);
        policy.RecordFailure();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(2), policy.RecordFailure().Delay);

        policy.RecordHealthy();
        time.Advance(TimeSpan.FromMinutes(5));

        var next = policy.RecordFailure();
        Assert.Equal(TimeSpan.FromSeconds(1), next.Delay);
        Assert.Equal(1, next.RecentFailures);
    }

    [Fact]
    public void A_replica_that_flaps_between_healthy_and_dead_is_still_caught()
    {
        var time = new FakeTimeProvider();
        var policy = new RestartPolicy(s_defaults, time);
        RestartDecision last = default;

        for (var i = 0; i < 5; i++)
        {
            policy.RecordHealthy();
            time.Advance(TimeSpan.FromSeconds(10));
            last = policy.RecordFailure();
        }

        Assert.True(last.IsCrashLoop);
    }

    [Fact]
    public void Options_are_checked_once_with_every_problem_listed()
    {
        var problems = new ProcessDeployerOptions { InitialBackoff = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromSeconds(5), CrashLoopFailures = 0 }.Validate();

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("CrashLoopFailures", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("MaxBackoff", StringComparison.Ordinal));
        Assert.Empty(s_defaults.Validate());
    }
}
