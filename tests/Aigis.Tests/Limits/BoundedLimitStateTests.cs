using Aigis.Core.Identity;
using Aigis.Limits;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Tests.Limits;

/// <summary>
/// Limit and spend entries per key and per JWT subject expire once they hold nothing: a gateway that sees a
/// million distinct subjects keeps only those active within their windows, and never loses a count a limit needs.
/// </summary>
public sealed class BoundedLimitStateTests
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly TenantLimits s_perKey = new() { RequestsPerMinute = 10, TokensPerMinute = 1000 };

    [Fact]
    public void A_million_distinct_subjects_leave_only_the_last_minutes_entries()
    {
        var time = new FakeTimeProvider(s_start);
        var registry = new LimitRegistry(time);
        var peak = 0;
        for (var i = 0; i < 1_000_000; i++)
        {
            // 50,000 new subjects a minute, each making one request.
            if (i > 0 && i % 50_000 == 0)
            {
                time.Advance(TimeSpan.FromMinutes(1));
            }

            var entry = registry.EnterKey($"jwt:subject-{i}", s_perKey)!;
            entry.Windows.ChargeTokens(registry.Now, 10);
            entry.Exit();
            peak = Math.Max(peak, registry.Count);
        }

        // The current and the previous minute's subjects at most, and a sweep's worth of new ones.
        Assert.True(peak <= 2 * 50_000 + LimitRegistry.SweepEvery, $"{peak} entries held at the peak");
    }

    [Fact]
    public void An_entry_in_use_or_within_its_window_is_kept_with_its_counts()
    {
        var time = new FakeTimeProvider(s_start);
        var registry = new LimitRegistry(time);
        var limits = new TenantLimits { RequestsPerMinute = 1 };
        var held = registry.EnterKey("long-stream", s_perKey)!;
        var recent = registry.EnterKey("recent", limits)!;
        recent.Exit();
        time.Advance(TimeSpan.FromMinutes(5));
        recent = registry.EnterKey("recent", limits)!;
        var first = Core.Limits.RateLimitAdmission.Admit(null, recent.Windows, registry.Now, 0);
        recent.Exit();

        for (var i = 0; i < 3 * LimitRegistry.SweepEvery; i++)
        {
            registry.EnterKey($"other-{i}", limits)!.Exit();
        }

        // The stream held its entry for minutes: it is still the one the registry gives, so its end is charged where limits look.
        Assert.Same(held, registry.EnterKey("long-stream", s_perKey));
        var again = registry.EnterKey("recent", limits)!;
        Assert.True(first.Admitted);
        Assert.False(Core.Limits.RateLimitAdmission.Admit(null, again.Windows, registry.Now, 0).Admitted);
    }

    [Fact]
    public void Spend_counters_with_nothing_spent_this_month_are_not_kept()
    {
        var time = new FakeTimeProvider(s_start);
        var ledger = new SpendLedger(time);
        var spender = ledger.EnterKey("spender");
        spender.Counter.Charge(time.GetUtcNow(), 500);
        spender.Exit();
        for (var i = 0; i < 100_000; i++)
        {
            ledger.EnterKey($"jwt:subject-{i}").Exit();
        }

        Assert.True(ledger.Count <= LimitRegistry.SweepEvery + 2, $"{ledger.Count} counters held");
        Assert.Equal(500, ledger.EnterKey("spender").Counter.Spent(BudgetPeriod.Month, time.GetUtcNow()));
    }
}
