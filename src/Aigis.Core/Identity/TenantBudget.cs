namespace Aigis.Core.Identity;

public enum BudgetPeriod
{
    /// <summary>A UTC calendar day.</summary>
    Day,

    /// <summary>A UTC calendar month.</summary>
    Month,
}

/// <summary>
/// A spending cap over a period, in millionths of a US dollar: whole numbers, so sums never drift as binary
/// fractions of a cent would. A request that would start with the period's spend at or past the cap is refused.
/// </summary>
public sealed record TenantBudget(long LimitMicros, BudgetPeriod Period)
{
    public const long MicrosPerDollar = 1_000_000;

    public static string PeriodName(BudgetPeriod period) => period == BudgetPeriod.Month ? "month" : "day";

    public static bool TryParsePeriod(string? text, out BudgetPeriod period)
    {
        switch (text)
        {
            case "day":
                period = BudgetPeriod.Day;
                return true;
            case "month":
                period = BudgetPeriod.Month;
                return true;
            default:
                period = default;
                return false;
        }
    }
}
