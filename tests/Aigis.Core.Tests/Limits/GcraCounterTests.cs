using Aigis.Core.Identity;
using Aigis.Core.Limits;

namespace Aigis.Core.Tests.Limits;

/// <summary>GCRA limits on microseconds of a monotonic clock (the tests pick the instants; nothing sleeps).</summary>
public sealed class GcraCounterTests
{
    private const long Second = 1_000_000;
    private const long Minute = 60 * Second;

    [Fact]
    public void Takes_up_to_the_limit_at_once_then_one_more_each_interval()
    {
        var counter = new GcraCounter(2, LimitWindow.Minute);

        Assert.True(counter.TryTake(0, 1, 1, out var first));
        Assert.True(counter.TryTake(Second, 1, 1, out var second));
        Assert.False(counter.TryTake(2 * Second, 1, 1, out var refused));
        Assert.False(counter.TryTake(29 * Second, 1, 1, out _));
        Assert.True(counter.TryTake(30 * Second, 1, 1, out _));

        // One of two used: 30 s (one interval) until wholly replenished.
        Assert.Equal((2L, 1L, TimeSpan.FromSeconds(30)), (first.Limit, first.Remaining, first.ResetAfter));
        Assert.Equal(0, second.Remaining);

        // Two units taken by 1 s drain by 60 s: at 2 s, 58 s to go, and one unit is free at 30 s.
        Assert.Equal(TimeSpan.FromSeconds(58), refused.ResetAfter);
        Assert.Equal(TimeSpan.FromSeconds(28), refused.RetryAfter);
    }

    [Fact]
    public void There_is_no_burst_of_twice_the_limit_across_a_minute_boundary()
    {
        // A fixed window aligned to the minute let a client spend the whole limit in the last second of one minute
        // and again in the first second of the next: 2 x 100 requests within two seconds.
        var counter = new GcraCounter(100, LimitWindow.Minute);
        var boundary = 10 * Minute;
        var admitted = 0;
        for (var i = 0; i < 200; i++)
        {
            var at = boundary - Second + (i * 10_000); // 200 requests, 10 ms apart, straddling the boundary
            admitted += counter.TryTake(at, 1, 1, out _) ? 1 : 0;
        }

        // The 100 the limit allows at once, plus what replenished in those two seconds (one every 0.6 s): 3 more.
        Assert.Equal(103, admitted);
    }

    [Fact]
    public void In_any_span_no_more_than_the_limit_plus_what_replenished_in_it_passes()
    {
        // A client hammering every 250 ms for five minutes.
        var counter = new GcraCounter(60, LimitWindow.Minute);
        var times = new List<long>();
        for (long at = 0; at < 5 * Minute; at += 250_000)
        {
            if (counter.TryTake(at, 1, 1, out _))
            {
                times.Add(at);
            }
        }

        // GCRA's bound: in any span t, the limit (the burst a full allowance holds) plus t x rate, and never
        // more. A fixed window's is twice the limit in any span that straddles a boundary, however short.
        foreach (var span in new[] { Second, 10 * Second, Minute, 3 * Minute })
        {
            for (var i = 0; i < times.Count; i++)
            {
                var inSpan = times.Count(t => t >= times[i] && t < times[i] + span);
                Assert.True(inSpan <= 60 + (span / Second) + 1, $"{inSpan} admissions in the {span / Second} s from {times[i]} us");
            }
        }

        // And the sustained rate is the limit: the first burst of 60, then one a second.
        Assert.InRange(times.Count, 60 + (5 * 60) - 1, 60 + (5 * 60) + 1);
    }

    [Fact]
    public void A_limit_that_does_not_divide_the_window_admits_exactly_the_limit()
    {
        // 7 a minute is 8,571,428.57 us apart: rounding the interval per request would refuse the 7th.
        var counter = new GcraCounter(7, LimitWindow.Minute);

        var admitted = Enumerable.Range(0, 8).Count(i => counter.TryTake(0, 1, 1, out _));

        Assert.Equal(7, admitted);
    }

    [Fact]
    public void Tokens_are_charged_by_weight_and_usage_charged_after_admission_goes_into_debt()
    {
        var counter = new GcraCounter(100, LimitWindow.Minute);

        Assert.True(counter.TryTake(0, 1, 10, out var afterTen));
        counter.Charge(5 * Second, 500);

        Assert.Equal(90, afterTen.Remaining);
        Assert.False(counter.TryTake(6 * Second, 1, 1, out var refused));
        Assert.Equal(0, refused.Remaining);

        // 510 tokens at 0.6 s each drain by 306 s; room for one more at 306 - 60 + 0.6 = 246.6 s.
        Assert.Equal(TimeSpan.FromSeconds(246.6 - 6), refused.RetryAfter);
        Assert.False(counter.TryTake(246 * Second, 1, 1, out _));
        Assert.True(counter.TryTake((246 * Second) + 600_000, 1, 1, out _));
    }

    [Fact]
    public void An_unused_reservation_given_back_frees_its_tokens_but_never_more_than_were_taken()
    {
        var counter = new GcraCounter(1000, LimitWindow.Minute);

        counter.TryTake(0, 1, 900, out _);
        counter.Charge(0, -850);
        var afterRefund = counter.Peek(0);
        counter.Charge(0, -5000);

        Assert.Equal(950, afterRefund.Remaining);
        Assert.Equal(1000, counter.Peek(0).Remaining);
        Assert.True(counter.IsIdle(0));
    }

    [Fact]
    public void A_day_limit_replenishes_evenly_over_the_day()
    {
        var counter = new GcraCounter(24, LimitWindow.Day);

        Assert.True(counter.TryTake(0, 1, 24, out var spent));
        Assert.False(counter.TryTake(59 * Minute, 1, 1, out _));
        Assert.True(counter.TryTake(60 * Minute, 1, 1, out _));

        Assert.Equal(0, spent.Remaining);
        Assert.Equal(TimeSpan.FromDays(1), spent.ResetAfter);
    }

    [Fact]
    public void Admission_is_all_or_nothing_across_the_tenant_and_the_key()
    {
        var tenant = new LimitSubject(new TenantLimits { RequestsPerMinute = 10, TokensPerMinute = 1000 });
        var key = new LimitSubject(new TenantLimits { RequestsPerMinute = 1 });

        var first = RateLimitAdmission.Admit(tenant, key, 0, 100);
        var second = RateLimitAdmission.Admit(tenant, key, 0, 100);

        Assert.True(first.Admitted);
        Assert.Equal((1L, 0L, TimeSpan.FromSeconds(60)), (first.Requests!.Value.Limit, first.Requests.Value.Remaining, first.Requests.Value.ResetAfter));
        Assert.Equal(900, first.Tokens!.Value.Remaining);
        Assert.False(second.Admitted);
        Assert.Equal((LimitScope.Key, LimitKind.Requests), (second.RefusedScope, second.RefusedKind));
        Assert.Equal(TimeSpan.FromSeconds(60), second.RetryAfter);

        // The tenant's share of the refused request was given back.
        Assert.Equal(9, tenant.RequestsPerMinute!.Peek(0).Remaining);
        Assert.Equal(900, tenant.TokensPerMinute!.Peek(0).Remaining);
    }
}
