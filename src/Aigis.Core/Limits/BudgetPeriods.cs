using Aigis.Core.Identity;

namespace Aigis.Core.Limits;

/// <summary>Budget periods in UTC: a day starts at midnight, a month on its first day at midnight.</summary>
public static class BudgetPeriods
{
    public static DateTimeOffset DayStart(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    public static DateTimeOffset MonthStart(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset Start(BudgetPeriod period, DateTimeOffset now) => period == BudgetPeriod.Month ? MonthStart(now) : DayStart(now);

    public static DateTimeOffset End(BudgetPeriod period, DateTimeOffset now) => period == BudgetPeriod.Month ? MonthStart(now).AddMonths(1) : DayStart(now).AddDays(1);
}

/// <summary>
/// What one tenant or key has spent today and this month, in micro-dollars. Periods roll over on the first
/// charge or read after they end.
/// </summary>
public sealed class SpendCounter
{
    private readonly Lock _lock = new();
    private DateTimeOffset _day = DateTimeOffset.MinValue;
    private DateTimeOffset _month = DateTimeOffset.MinValue;
    private long _daySpend;
    private long _monthSpend;

    public void Charge(DateTimeOffset now, long micros)
    {
        lock (_lock)
        {
            Roll(now);
            _daySpend += micros;
            _monthSpend += micros;
        }
    }

    /// <summary>Adds what the store says was spent on <paramref name="day"/> (at start, before any charge).</summary>
    public void Load(DateTimeOffset now, DateTimeOffset day, long micros)
    {
        lock (_lock)
        {
            Roll(now);
            if (day == _day)
            {
                _daySpend += micros;
            }

            if (day >= _month)
            {
                _monthSpend += micros;
            }
        }
    }

    public long Spent(BudgetPeriod period, DateTimeOffset now)
    {
        lock (_lock)
        {
            Roll(now);
            return period == BudgetPeriod.Month ? _monthSpend : _daySpend;
        }
    }

    /// <summary>
    /// Whether a request may start: refused once the spend has reached the budget (<c>&gt;=</c>), so a budget
    /// of $10 allows requests while less than $10 has been spent, and the request that crosses it is the last.
    /// </summary>
    public bool Allows(TenantBudget budget, DateTimeOffset now) => Spent(budget.Period, now) < budget.LimitMicros;

    private void Roll(DateTimeOffset now)
    {
        var day = BudgetPeriods.DayStart(now);
        if (day != _day)
        {
            _day = day;
            _daySpend = 0;
        }

        var month = BudgetPeriods.MonthStart(now);
        if (month != _month)
        {
            _month = month;
            _monthSpend = 0;
        }
    }
}
