namespace Aigis.Core.Rollouts;

/// <summary>
/// Latencies in log-spaced buckets (5% wide, 0.1 ms to 10 minutes), counted with interlocked increments: recording
/// from the request path takes no lock and allocates nothing, and a percentile is read to within one bucket (5%).
/// </summary>
/// <remarks>
/// A fixed histogram rather than a list of samples: a window at thousands of requests per second would otherwise grow
/// without bound, and 5% resolution is well inside the latency increase a canary is judged on (25% by default).
/// </remarks>
public sealed class LatencyHistogram
{
    private const double Smallest = 0.0001;
    private const double Growth = 1.05;
    private static readonly double s_logGrowth = Math.Log(Growth);
    private static readonly int s_buckets = (int)Math.Ceiling(Math.Log(600 / Smallest) / s_logGrowth) + 2;
    private readonly long[] _counts = new long[s_buckets];
    private long _total;

    /// <summary>Latencies recorded.</summary>
    public long Count => Interlocked.Read(ref _total);

    public void Record(TimeSpan latency)
    {
        Interlocked.Increment(ref _counts[BucketOf(latency.TotalSeconds)]);
        Interlocked.Increment(ref _total);
    }

    /// <summary>Adds every count of <paramref name="other"/> to this one (to pool the stable replicas).</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            var count = Interlocked.Read(ref other._counts[i]);
            if (count != 0)
            {
                Interlocked.Add(ref _counts[i], count);
                Interlocked.Add(ref _total, count);
            }
        }
    }

    /// <summary>The <paramref name="quantile"/> (0.95 for p95) as the upper edge of its bucket; null when nothing was recorded.</summary>
    public TimeSpan? Percentile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        var total = Count;
        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return TimeSpan.FromSeconds(UpperEdge(i));
            }
        }

        return TimeSpan.FromSeconds(UpperEdge(_counts.Length - 1));
    }

    private static int BucketOf(double seconds)
    {
        if (seconds <= Smallest)
        {
            return 0;
        }

        var index = (int)(Math.Log(seconds / Smallest) / s_logGrowth) + 1;
        return Math.Min(index, s_buckets - 1);
    }

    private static double UpperEdge(int bucket) => Smallest * Math.Pow(Growth, bucket);
}
