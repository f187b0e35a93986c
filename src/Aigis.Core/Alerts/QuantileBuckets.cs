namespace Aigis.Core.Alerts;

/// <summary>
/// Fixed exponential buckets (each 25% wider than the last, from 1 ms to about 10^9) that any measured value falls
/// in, so a quantile can be estimated from counts without knowing the instrument's own buckets.
/// The estimate is the bucket's upper bound: at most 25% above the true value.
/// </summary>
public static class QuantileBuckets
{
    public const double Smallest = 0.001;
    public const double Growth = 1.25;
    public const int Count = 128;

    private static readonly double s_logGrowth = Math.Log(Growth);

    public static int IndexOf(double value)
    {
        if (!(value > Smallest))
        {
            return 0;
        }

        var index = (int)Math.Ceiling(Math.Log(value / Smallest) / s_logGrowth);
        return Math.Min(index, Count - 1);
    }

    public static double UpperBound(int index) => Smallest * Math.Pow(Growth, index);

    /// <summary>The <paramref name="quantile"/> of the distribution in <paramref name="counts"/>; null when empty.</summary>
    public static double? Estimate(ReadOnlySpan<double> counts, double quantile)
    {
        double total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        if (total <= 0)
        {
            return null;
        }

        var rank = quantile * total;
        double seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank && counts[i] > 0)
            {
                return UpperBound(i);
            }
        }

        return UpperBound(counts.Length - 1);
    }
}
