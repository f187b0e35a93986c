using System.Globalization;
using System.Text;

namespace Aigis.Sim.Metrics;

/// <summary>A Prometheus histogram of durations in seconds, updated without locks.</summary>
internal sealed class LatencyHistogram
{
    /// <summary>Upper bounds in seconds, from 5 ms to 10 s, as Prometheus client libraries default to.</summary>
    public static IReadOnlyList<double> DefaultBounds { get; } = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly IReadOnlyList<double> _bounds;

    // One count per bound, then one for +Inf; not cumulative: cumulating happens when rendering.
    private readonly long[] _counts;
    private long _sumTicks;

    public LatencyHistogram(IReadOnlyList<double>? bounds = null)
    {
        _bounds = bounds ?? DefaultBounds;
        _counts = new long[_bounds.Count + 1];
    }

    public void Observe(TimeSpan duration)
    {
        var seconds = duration.TotalSeconds;
        var bucket = 0;
        while (bucket < _bounds.Count && seconds > _bounds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Add(ref _sumTicks, duration.Ticks);
    }

    /// <summary>Writes the _bucket, _sum and _count samples of <paramref name="name"/>; <paramref name="labels"/> is e.g. <c>model_name="m"</c>.</summary>
    public void WriteSamples(StringBuilder text, string name, string labels)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cumulative = 0L;
        for (var bucket = 0; bucket <= _bounds.Count; bucket++)
        {
            cumulative += Volatile.Read(ref _counts[bucket]);
            var bound = bucket < _bounds.Count ? _bounds[bucket].ToString(CultureInfo.InvariantCulture) : "+Inf";
            text.Append(name).Append("_bucket{").Append(labels).Append(",le=\"").Append(bound).Append("\"} ")
                .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        var sum = TimeSpan.FromTicks(Volatile.Read(ref _sumTicks)).TotalSeconds;
        text.Append(name).Append("_sum{").Append(labels).Append("} ").Append(sum.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append(name).Append("_count{").Append(labels).Append("} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
