using Aigis.Core.Identity;
using Aigis.Core.Limits;

namespace Aigis.Core.Tests.Limits;

public sealed class FixedWindowCounterTests
{
    private static readonly DateTimeOffset s_start = new(2025, 3, 1, 12, 0, 10, TimeSpan.Zero);

    [Fact]
    public void Takes_up_to_the_limit_then_refuses_until_the_minute_ends()
    {
        var counter = new FixedWindowCounter(2, LimitWindow.Minute);

        Assert.True(counter.TryTake(s_start, 1, 1, out var first) >= 0);
        Assert.True(counter.TryTake(s_start.AddSeconds(1), 1, 1, out var second) >= 0);
        Assert.True(counter.TryTake(s_start.AddMilliseconds(49_900), 1, 1, out var refused) < 0);
        Assert.True(counter.TryTake(s_start.AddSeconds(50), 1, 1, out var renewed) >= 0);

        Assert.Equal(new WindowState(2, 1, TimeSpan.FromSeconds(50)), first);
        Assert.Equal(0, second.Remaining);
        Assert.Equal(TimeSpan.FromMilliseconds(100), refused.ResetAfter);
        Assert.Equal(new WindowState(2, 1, TimeSpan.FromSeconds(60)), renewed);
    }

    [Fact]
    public void A_day_window_ends_at_midnight_utc()
    {
        var counter = new FixedWindowCounter(10, LimitWindow.Day);

        counter.TryTake(s_start, 1, 10, out var state);

        Assert.Equal(0, state.Remaining);
        Assert.Equal(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(10), state.ResetAfter);
        Assert.True(counter.TryTake(s_start.AddHours(11), 1, 1, out _) < 0);
        Assert.True(counter.TryTake(new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero), 1, 1, out _) >= 0);
    }

    [Fact]
    public void Usage_charged_after_admission_goes_into_debt_and_holds_the_next_requests_back()
    {
        var counter = new FixedWindowCounter(100, LimitWindow.Minute);

        Assert.True(counter.TryTake(s_start, 1, 10, out _) >= 0);
        counter.Charge(s_start.AddSeconds(5), 500);

        Assert.True(counter.TryTake(s_start.AddSeconds(6), 1, 1, out var refused) < 0);
        Assert.Equal(0, refused.Remaining);
        Assert.True(counter.TryTake(s_start.AddSeconds(50), 1, 1, out _) >= 0);
    }

    [Fact]
    public void A_refund_gives_back_only_within_the_window_it_was_taken_in()
    {
        var counter = new FixedWindowCounter(5, LimitWindow.Minute);

        var window = counter.TryTake(s_start, 1, 3, out _);
        counter.Refund(window, 3);
        var afterRefund = counter.Peek(s_start);
        var nextWindow = counter.TryTake(s_start.AddMinutes(1), 1, 4, out _);
        counter.Refund(window, 3);

        Assert.Equal(5, afterRefund.Remaining);
        Assert.True(nextWindow >= 0);
        Assert.Equal(1, counter.Peek(s_start.AddMinutes(1)).Remaining);
    }

    [Fact]
    public void Admission_is_all_or_nothing_across_the_tenant_and_the_key()
    {
        var tenant = new LimitSubject(new TenantLimits { RequestsPerMinute = 10, TokensPerMinute = 1000 });
        var key = new LimitSubject(new TenantLimits { RequestsPerMinute = 1 });

        var first = RateLimitAdmission.Admit(tenant, key, s_start, 100);
        var second = RateLimitAdmission.Admit(tenant, key, s_start, 100);

        Assert.True(first.Admitted);
        Assert.Equal(new WindowState(1, 0, TimeSpan.FromSeconds(50)), first.Requests);
        Assert.Equal(900, first.Tokens!.Value.Remaining);
        Assert.False(second.Admitted);
        Assert.Equal((LimitScope.Key, LimitKind.Requests), (second.RefusedScope, second.RefusedKind));
        Assert.Equal(TimeSpan.FromSeconds(50), second.RetryAfter);

        // The tenant's share of the refused request was refunded.
        Assert.Equal(9, tenant.RequestsPerMinute!.Peek(s_start).Remaining);
        Assert.Equal(900, tenant.TokensPerMinute!.Peek(s_start).Remaining);
    }
}
