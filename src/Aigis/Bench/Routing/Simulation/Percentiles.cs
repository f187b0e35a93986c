namespace Aigis.Bench.Routing.Simulation;

/// <summary>Nearest-rank percentiles of a sample (the smallest value with at least p of the sample at or below it).</summary>
internal static class Percentiles
{
    /// <summary>Sorts <paramref name="values"/> in place.</summary>
    public static void Sort(double[] values) => Array.Sort(values);

    /// <param name="sorted">Ascending values.</param>
    /// <param name="p">0 to 1.</param>
    public static double Of(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
