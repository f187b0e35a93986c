namespace Aigis.Core.Alerts;

/// <summary>
/// Sums over a sliding time window, kept as <see cref="Slots"/> equal slots in a ring: adding lands in the slot of
/// its time; reading sums the slots still inside the window. Memory is fixed whatever the traffic, and the
/// window's edge moves in steps of one slot (1/30 of the window), which is precise enough for alerting.
/// </summary>
/// <remarks>Not thread-safe: the owner locks.</remarks>
public sealed class SlidingWindow
{
    public const int Slots = 30;

    private readonly long _slotTicks;
    private readonly long[] _slotIndex = new long[Slots];
    private readonly double[][] _values;

    /// <param name="window">The window's length.</param>
    /// <param name="width">Values kept per slot: 1 for a sum, a histogram's bucket count for a distribution.</param>
    public SlidingWindow(TimeSpan window, int width = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Window = window;
        _slotTicks = Math.Max(1, window.Ticks / Slots);
        _values = new double[Slots][];
        for (var i = 0; i < Slots; i++)
        {
            _values[i] = new double[width];
            _slotIndex[i] = -1;
        }
    }

    public TimeSpan Window { get; }

    /// <summary>Adds <paramref name="value"/> to column <paramref name="column"/> at time <paramref name="at"/> (time since the owner's start).</summary>
    public void Add(TimeSpan at, double value, int column = 0)
    {
        var index = at.Ticks / _slotTicks;
        var slot = (int)(index % Slots);
        if (_slotIndex[slot] != index)
        {
            // The slot held an older period, now outside the window: it starts over.
            Array.Clear(_values[slot]);
            _slotIndex[slot] = index;
        }

        _values[slot][column] += value;
    }

    /// <summary>Per column, the sum of what was added within the window ending at <paramref name="now"/>.</summary>
    public void Sum(TimeSpan now, Span<double> sums)
    {
        sums.Clear();
        var current = now.Ticks / _slotTicks;
        for (var slot = 0; slot < Slots; slot++)
        {
            var index = _slotIndex[slot];
            if (index < 0 || index > current || index <= current - Slots)
            {
                continue;
            }

            var values = _values[slot];
            for (var column = 0; column < sums.Length && column < values.Length; column++)
            {
                sums[column] += values[column];
            }
        }
    }

    /// <summary>The sum of column 0 within the window ending at <paramref name="now"/>.</summary>
    public double Sum(TimeSpan now)
    {
        Span<double> sum = stackalloc double[1];
        Sum(now, sum);
        return sum[0];
    }
}
