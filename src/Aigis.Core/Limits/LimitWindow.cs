namespace Aigis.Core.Limits;

/// <summary>The period a limit is over: L units per minute or per day, replenished evenly (<see cref="Gcra"/>).</summary>
public enum LimitWindow
{
    Minute,
    Day,
}

/// <summary>
/// Where a limit stands: what it allows, what is left, when it is wholly replenished (<paramref name="ResetAfter"/>,
/// OpenAI's <c>x-ratelimit-reset-*</c>), and, when a request was refused, how long until it would pass
/// (<paramref name="RetryAfter"/>).
/// </summary>
public readonly record struct WindowState(long Limit, long Remaining, TimeSpan ResetAfter, TimeSpan RetryAfter = default);
