namespace Aigis.Core.Autoscaling;

/// <summary>
/// Timestamped values kept for a bounded span, with average, minimum and maximum over a trailing window: the
/// stabilization windows and KPA's stable and panic windows. Timestamps are the policy's TimeProvider's.
/// </summary>
internal sealed class MetricWindow(TimeProvider time, TimeSpan keep)
{
    private readonly Queue<(long At, double Value)> _values = new();

    public int Count => _values.Count;

    public void Add(long at, double value)
    {
        _values.Enqueue((at, value));
        while (_values.Count > 0 && time.GetElapsedTime(_values.Peek().At, at) > keep)
        {
            _values.Dequeue();
        }
    }

    public double Average(long now, TimeSpan window) => Fold(now, window, 0.0, (a, v) => a + v, out var n) is var sum && n > 0 ? sum / n : 0;

    public double Max(long now, TimeSpan window, double empty) => Fold(now, window, double.MinValue, Math.Max, out var n) is var max && n > 0 ? max : empty;

    public double Min(long now, TimeSpan window, double empty) => Fold(now, window, double.MaxValue, Math.Min, out var n) is var min && n > 0 ? min : empty;

    /// <summary>Values younger than <paramref name="window"/>, and any taken at <paramref name="now"/> (so a zero window holds the newest).</summary>
    private double Fold(long now, TimeSpan window, double seed, Func<double, double, double> step, out int count)
    {
        count = 0;
        var result = seed;
        foreach (var (at, value) in _values)
        {
            var age = time.GetElapsedTime(at, now);
            if (age < window || age == TimeSpan.Zero)
            {
                result = step(result, value);
                count++;
            }
        }

        return result;
    }
}
