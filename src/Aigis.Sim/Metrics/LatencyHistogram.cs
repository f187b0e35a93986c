namespace Aigis.Sim.Metrics;

/// <summary>A Prometheus histogram with fixed buckets, updated lock-free.</summary>
internal sealed class LatencyHistogram
{
    /// <summary>vLLM's buckets for time to first token, in seconds.</summary>
    public static readonly double[] TimeToFirstTokenBuckets =
        [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];

    private readonly long[] _counts;
    private long _count;
    private long _sumMicroseconds;

    public LatencyHistogram(double[] upperBounds)
    {
        UpperBounds = upperBounds;
        _counts = new long[upperBounds.Length];
    }

    public double[] UpperBounds { get; }

    public long Count => Volatile.Read(ref _count);

    public double SumSeconds => Volatile.Read(ref _sumMicroseconds) / 1e6;

    public void Observe(double seconds)
    {
        for (var i = 0; i < UpperBounds.Length; i++)
        {
            if (seconds <= UpperBounds[i])
            {
                Interlocked.Increment(ref _counts[i]);
                break;
            }
        }

        Interlocked.Add(ref _sumMicroseconds, (long)(seconds * 1e6));
        Interlocked.Increment(ref _count);
    }

    /// <summary>Observations at or below bucket <paramref name="index"/>'s bound (Prometheus buckets are cumulative).</summary>
    public long CumulativeCount(int index)
    {
        long total = 0;
        for (var i = 0; i <= index; i++)
        {
            total += Volatile.Read(ref _counts[i]);
        }

        return total;
    }
}
