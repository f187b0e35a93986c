namespace Aigis.Core.Limits;

/// <summary>The period a counted limit is over; windows are aligned to UTC (a minute starts at :00, a day at midnight).</summary>
public enum LimitWindow
{
    Minute,
    Day,
}

/// <summary>Where a counter stands: what it allows, what is left, and when its window ends.</summary>
public readonly record struct WindowState(long Limit, long Remaining, TimeSpan ResetAfter);
