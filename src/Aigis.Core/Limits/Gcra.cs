namespace Aigis.Core.Limits;

/// <summary>
/// The generic cell rate algorithm (GCRA), the arithmetic every limiter backend shares: the in-memory
/// <see cref="GcraCounter"/> runs it under a lock, the Redis backend's Lua script runs the same steps inside Redis
/// (src/Aigis/Limits/Redis/gcra.lua; keep the two in step).
/// </summary>
/// <remarks>
/// <para>
/// One value is stored per limit: the theoretical arrival time (TAT), in microseconds on the backend's clock. A
/// limit of L units per window W replenishes one unit every T = W / L; the "level" max(0, TAT - now) is the time
/// the units already taken need to drain. A request needing <c>room</c> units is admitted while
/// level + room·T ≤ W, and taking <c>amount</c> units moves TAT forward by amount·T. So at most L units pass in
/// any window of length W, wherever it starts: a fixed window lets a client take L just before a boundary and L
/// again just after it (2L within moments); GCRA never does.
/// </para>
/// <para>
/// Charging is token-weighted (a request that used 900 tokens moves TAT by 900·T) and may go past W into debt:
/// usage learned after admission (a long completion) is paid for in full by the requests after it. A negative
/// charge (a reservation that was not used) moves TAT back, never before now.
/// </para>
/// <para>
/// TAT is a double: T is rarely a whole number of microseconds (7 a minute is 8,571,428.57 µs), and rounding it
/// per request would refuse the 7th of 7. Both clocks count from a recent origin, so the values stay far below
/// 2^53 and the sums are exact to well under a microsecond; <see cref="ToleranceMicros"/> absorbs what is left.
/// </para>
/// </remarks>
public static class Gcra
{
    /// <summary>Slack in the admission test for floating-point sums; far below any interval a limit can have.</summary>
    public const double ToleranceMicros = 1;

    public static double WindowMicros(LimitWindow window) => window == LimitWindow.Day ? 86_400_000_000d : 60_000_000d;

    /// <summary>Time one unit takes to replenish.</summary>
    public static double IntervalMicros(long limit, LimitWindow window) => WindowMicros(window) / limit;

    public static bool Admits(double level, long room, long limit, LimitWindow window) =>
        level + (room * IntervalMicros(limit, window)) <= WindowMicros(window) + ToleranceMicros;

    /// <summary>The TAT after charging <paramref name="amount"/> units (negative: giving them back) at <paramref name="now"/>.</summary>
    public static double Charge(double tat, double now, long amount, long limit, LimitWindow window) =>
        Math.Max(now, Math.Max(tat, now) + (amount * IntervalMicros(limit, window)));

    /// <summary>
    /// What a client is told: units left now, the time until the limit is wholly replenished, and how long until
    /// <paramref name="room"/> units are free (zero when they are now).
    /// </summary>
    public static WindowState State(double level, long room, long limit, LimitWindow window)
    {
        var interval = IntervalMicros(limit, window);
        var windowMicros = WindowMicros(window);
        var remaining = Math.Clamp(Math.Floor(((windowMicros - level) / interval) + 1e-9), 0, limit);
        var wait = Math.Max(0, level + (room * interval) - windowMicros);
        return new WindowState(limit, (long)remaining, FromMicros(level), FromMicros(wait));
    }

    public static TimeSpan FromMicros(double micros) =>
        micros <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Min(Math.Ceiling(micros * TimeSpan.TicksPerMicrosecond), TimeSpan.MaxValue.Ticks));
}
