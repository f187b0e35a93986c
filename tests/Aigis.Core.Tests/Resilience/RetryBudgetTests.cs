using Aigis.Core.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Resilience;

public sealed class RetryBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Retries_stop_at_the_percent_of_requests_plus_the_minimum()
    {
        var budget = new RetryBudget(new RetryOptions { BudgetPercent = 20, MinRetriesPerSecond = 1, BudgetWindow = TimeSpan.FromSeconds(10) }, _time);
        for (var i = 0; i < 100; i++)
        {
            budget.OnRequest();
        }

        // 20% of 100 plus 1 per second over 10 seconds.
        var granted = 0;
        while (budget.TryWithdraw() && granted < 1000)
        {
            granted++;
        }

        Assert.Equal(30, granted);
        Assert.False(budget.CanRetry());
    }

    [Fact]
    public void A_quiet_service_still_gets_its_minimum()
    {
        var budget = new RetryBudget(new RetryOptions { BudgetPercent = 20, MinRetriesPerSecond = 2, BudgetWindow = TimeSpan.FromSeconds(1) }, _time);
        Assert.True(budget.TryWithdraw());
        Assert.True(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());
    }

    [Fact]
    public void The_window_slides_so_old_retries_are_forgotten()
    {
        var budget = new RetryBudget(new RetryOptions { BudgetPercent = 0, MinRetriesPerSecond = 1, BudgetWindow = TimeSpan.FromSeconds(3) }, _time);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(budget.TryWithdraw());
        }

        Assert.False(budget.TryWithdraw());
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(budget.CanRetry());

        // Three seconds on, the retries of second 0 have left the window.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(budget.TryWithdraw());
    }

    [Fact]
    public void Zero_percent_and_zero_minimum_never_retries()
    {
        var budget = new RetryBudget(new RetryOptions { BudgetPercent = 0, MinRetriesPerSecond = 0 }, _time);
        budget.OnRequest();
        Assert.False(budget.TryWithdraw());
    }
}
