namespace Aigis.Core.Limits;

/// <summary>
/// Counts units (requests or tokens) in fixed windows aligned to UTC: a minute window starts at :00, a day
/// window at midnight. Admission asks for room and takes an amount; after the fact, usage that admission could
/// not know (the tokens a response generated) is <see cref="Charge"/>d, and may take the count past the limit:
/// the next requests in the window are then refused, so what was really used is always paid for.
/// </summary>
/// <remarks>
/// <para>
/// Not System.Threading.RateLimiting's <c>FixedWindowRateLimiter</c>: it measures windows with its own
/// <c>Stopwatch</c> and replenishes on its own timer, so it cannot run on an injected <see cref="TimeProvider"/>
/// (tests would have to sleep), and a lease cannot be charged after the fact or go into debt, which token
/// limits need when a response is longer than expected. Its concurrency limiter has neither problem and is used.
/// </para>
/// <para>
/// Fixed rather than sliding windows: a client can send up to twice the limit across one window boundary,
/// which is what OpenAI-style per-minute limits allow too, and in exchange the remaining count and the reset
/// time a client is told are exact. The times are UTC wall-clock times because windows are aligned to what people
/// read (a daily quota resets at midnight UTC); a clock step moves a window boundary, never the counts.
/// </para>
/// </remarks>
public sealed class FixedWindowCounter
{
    private readonly Lock _lock = new();
    private readonly long _windowMs;
    private long _windowStart = long.MinValue;
    private long _used;

    public FixedWindowCounter(long limit, LimitWindow window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        Window = window;
        _windowMs = window == LimitWindow.Day ? 86_400_000 : 60_000;
    }

    public long Limit { get; }

    public LimitWindow Window { get; }

    /// <summary>
    /// Takes <paramref name="amount"/> when at least <paramref name="room"/> is left in the current window
    /// (1 for a request; 1 for tokens, whose amount is an estimate). Returns the window it was taken from, to
    /// give back with <see cref="Refund"/>, or -1 when refused.
    /// </summary>
    public long TryTake(DateTimeOffset now, long room, long amount, out WindowState state)
    {
        var at = now.ToUnixTimeMilliseconds();
        lock (_lock)
        {
            Roll(at);
            if (Limit - _used < room)
            {
                state = State(at);
                return -1;
            }

            _used += amount;
            state = State(at);
            return _windowStart;
        }
    }

    /// <summary>Gives back what <see cref="TryTake"/> took, if its window is still the current one.</summary>
    public void Refund(long window, long amount)
    {
        lock (_lock)
        {
            if (_windowStart == window)
            {
                _used = Math.Max(0, _used - amount);
            }
        }
    }

    /// <summary>Adds usage learned after admission to the current window (a negative amount corrects an over-estimate).</summary>
    public void Charge(DateTimeOffset now, long amount)
    {
        var at = now.ToUnixTimeMilliseconds();
        lock (_lock)
        {
            Roll(at);
            _used = Math.Max(0, _used + amount);
        }
    }

    public WindowState Peek(DateTimeOffset now)
    {
        var at = now.ToUnixTimeMilliseconds();
        lock (_lock)
        {
            Roll(at);
            return State(at);
        }
    }

    private void Roll(long at)
    {
        var start = at - Mod(at, _windowMs);
        if (start != _windowStart)
        {
            _windowStart = start;
            _used = 0;
        }
    }

    private WindowState State(long at) =>
        new(Limit, Math.Max(0, Limit - _used), TimeSpan.FromMilliseconds(_windowStart + _windowMs - at));

    private static long Mod(long value, long divisor) => ((value % divisor) + divisor) % divisor;
}
