using Aigis.Core.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Resilience;

public sealed class CircuitBreakerTests
{
    private static readonly CircuitBreakerOptions s_options = new()
    {
        FailureRatio = 0.5, MinimumThroughput = 4, SamplingDuration = TimeSpan.FromSeconds(10), BreakDuration = TimeSpan.FromSeconds(5),
    };

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Flow_closed_open_half_open_open_half_open_closed()
    {
        var breaker = new CircuitBreaker(_time);
        Assert.Null(breaker.Record(failed: true, s_options));
        Assert.Null(breaker.Record(failed: false, s_options));
        Assert.Null(breaker.Record(failed: true, s_options));
        Assert.Equal(CircuitState.Open, breaker.Record(failed: true, s_options));
        Assert.False(breaker.AllowsRequests);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.True(breaker.AllowsRequests);
        Assert.Equal(CircuitState.HalfOpen, breaker.OnAttemptStarted());

        // One trial at a time.
        Assert.False(breaker.AllowsRequests);
        Assert.Equal(CircuitState.Open, breaker.Record(failed: true, s_options));
        Assert.False(breaker.AllowsRequests);

        _time.Advance(TimeSpan.FromSeconds(5));
        breaker.OnAttemptStarted();
        Assert.Equal(CircuitState.Closed, breaker.Record(failed: false, s_options));
        Assert.True(breaker.AllowsRequests);
    }

    [Fact]
    public void Stays_closed_below_the_minimum_throughput_whatever_the_ratio()
    {
        var breaker = new CircuitBreaker(_time);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(breaker.Record(failed: true, s_options));
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void Failures_from_an_old_window_do_not_count()
    {
        var breaker = new CircuitBreaker(_time);
        breaker.Record(failed: true, s_options);
        breaker.Record(failed: true, s_options);
        breaker.Record(failed: true, s_options);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(breaker.Record(failed: true, s_options));
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void A_trial_whose_client_left_frees_the_slot_for_another()
    {
        var breaker = new CircuitBreaker(_time);
        for (var i = 0; i < 4; i++)
        {
            breaker.Record(failed: true, s_options);
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        breaker.OnAttemptStarted();
        Assert.False(breaker.AllowsRequests);
        breaker.Release();
        Assert.True(breaker.AllowsRequests);
    }
}
