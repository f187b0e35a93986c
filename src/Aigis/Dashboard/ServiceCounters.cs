namespace Aigis.Dashboard;

/// <summary>
/// One service's running totals, added to from the metric callbacks with one atomic add each and read by the sampler
/// once a second. Counts only grow; the sampler turns the difference between two reads into rates.
/// </summary>
internal sealed class ServiceCounters
{
    /// <summary>The TTFT histogram's upper bounds in seconds (the gateway's own TTFT buckets), the last one open.</summary>
    public static readonly double[] TtftBounds = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, double.PositiveInfinity];

    public long Requests;
    public long Errors;
    public long Refused;
    public long OutputTokens;
    public long CacheHits;
    public long CacheLookups;
    public readonly long[] Ttft = new long[TtftBounds.Length];

    public void AddTtft(double seconds)
    {
        var bucket = 0;
        while (seconds > TtftBounds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref Ttft[bucket]);
    }

    public CounterReading Read()
    {
        var ttft = new long[Ttft.Length];
        for (var i = 0; i < ttft.Length; i++)
        {
            ttft[i] = Volatile.Read(ref Ttft[i]);
        }

        return new CounterReading(
            Volatile.Read(ref Requests), Volatile.Read(ref Errors), Volatile.Read(ref Refused), Volatile.Read(ref OutputTokens),
            Volatile.Read(ref CacheHits), Volatile.Read(ref CacheLookups), ttft);
    }
}

/// <summary>A read of <see cref="ServiceCounters"/> at one moment.</summary>
internal sealed record CounterReading(long Requests, long Errors, long Refused, long OutputTokens, long CacheHits, long CacheLookups, long[] Ttft)
{
    public static readonly CounterReading Zero = new(0, 0, 0, 0, 0, 0, new long[ServiceCounters.TtftBounds.Length]);

    /// <summary>The quantile of the TTFTs counted between <paramref name="before"/> and this read, in ms (the bucket's upper bound); null when none.</summary>
    public double? TtftQuantileMs(CounterReading before, double quantile)
    {
        long total = 0;
        for (var i = 0; i < Ttft.Length; i++)
        {
            total += Ttft[i] - before.Ttft[i];
        }

        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < Ttft.Length; i++)
        {
            seen += Ttft[i] - before.Ttft[i];
            if (seen >= rank)
            {
                var bound = ServiceCounters.TtftBounds[Math.Min(i, ServiceCounters.TtftBounds.Length - 2)];
                return bound * 1000;
            }
        }

        return null;
    }
}
