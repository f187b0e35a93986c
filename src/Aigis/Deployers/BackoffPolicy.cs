namespace Aigis.Deployers;

/// <summary>Exponential backoff: <c>initial · 2^(n-1)</c> after the n-th failure in a row, never more than <c>max</c>.</summary>
internal sealed class BackoffPolicy
{
    public BackoffPolicy(TimeSpan initial, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        Initial = initial;
        Max = max;
    }

    public TimeSpan Initial { get; }

    public TimeSpan Max { get; }

    /// <summary>The delay before the start that follows the <paramref name="failuresInARow"/>-th failure in a row (from 1).</summary>
    public TimeSpan DelayAfter(int failuresInARow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failuresInARow, 1);

        // In floating point, so that a long run of failures saturates at the cap instead of overflowing.
        var ticks = Initial.Ticks * Math.Pow(2, failuresInARow - 1);
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);
    }
}
