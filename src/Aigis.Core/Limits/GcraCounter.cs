namespace Aigis.Core.Limits;

/// <summary>
/// One limit (requests or tokens, per minute or per day) held in memory as GCRA (<see cref="Gcra"/>): one stored
/// value, no window boundary to burst across. Admission asks for room and takes an amount; usage learned after the
/// fact is <see cref="Charge"/>d and may put the counter in debt, so what was really used is always paid for.
/// </summary>
/// <remarks>
/// Not System.Threading.RateLimiting's <c>TokenBucketRateLimiter</c>: it replenishes on its own timer from its own
/// <c>Stopwatch</c>, so it cannot run on an injected <see cref="TimeProvider"/> (tests would sleep), and a lease
/// cannot be charged after the fact or go into debt, which token limits need when a response is longer than
/// expected. Times are microseconds on the owner's monotonic clock (<c>TimeProvider.GetTimestamp</c>, from an
/// origin it chose), so a wall-clock step changes nothing.
/// </remarks>
public sealed class GcraCounter
{
    private readonly Lock _lock = new();
    private double _tat = double.MinValue;

    public GcraCounter(long limit, LimitWindow window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        Window = window;
    }

    public long Limit { get; }

    public LimitWindow Window { get; }

    /// <summary>
    /// Takes <paramref name="amount"/> when <paramref name="room"/> units are free at <paramref name="now"/> (1 for a
    /// request; 1 for tokens, whose amount is an estimate or a reservation). False, and nothing taken, when not.
    /// </summary>
    public bool TryTake(long now, long room, long amount, out WindowState state)
    {
        lock (_lock)
        {
            var level = Math.Max(0, _tat - now);
            if (!Gcra.Admits(level, room, Limit, Window))
            {
                state = Gcra.State(level, room, Limit, Window);
                return false;
            }

            _tat = Gcra.Charge(_tat, now, amount, Limit, Window);
            state = Gcra.State(_tat - now, room, Limit, Window);
            return true;
        }
    }

    /// <summary>Adds usage learned after admission; a negative amount gives back an over-estimate or a refused request's share.</summary>
    public void Charge(long now, long amount)
    {
        if (amount == 0)
        {
            return;
        }

        lock (_lock)
        {
            _tat = Gcra.Charge(_tat, now, amount, Limit, Window);
        }
    }

    public WindowState Peek(long now)
    {
        lock (_lock)
        {
            return Gcra.State(Math.Max(0, _tat - now), 1, Limit, Window);
        }
    }

    /// <summary>True when every unit taken has replenished: the counter reads as new, and dropping it loses nothing.</summary>
    public bool IsIdle(long now)
    {
        lock (_lock)
        {
            return _tat <= now;
        }
    }
}
