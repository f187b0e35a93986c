namespace Aigis.Core.Caching;

/// <summary>
/// Draws ranks 0..n-1 with probability proportional to 1/(rank+1)^s: the popularity curve of real request streams
/// (a few prompts asked very often, a long tail asked once). Seeded, so a run replays exactly.
/// </summary>
/// <remarks>By inverse transform over the precomputed cumulative weights: a binary search per draw, exact for any s.</remarks>
public sealed class ZipfDistribution
{
    private readonly double[] _cumulative;
    private readonly Random _random;

    public ZipfDistribution(int n, double exponent, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        _cumulative = new double[n];
        var total = 0.0;
        for (var rank = 0; rank < n; rank++)
        {
            total += 1.0 / Math.Pow(rank + 1, exponent);
            _cumulative[rank] = total;
        }
    }

    public int Count => _cumulative.Length;

    /// <summary>The probability of <paramref name="rank"/>.</summary>
    public double Probability(int rank) => (_cumulative[rank] - (rank == 0 ? 0 : _cumulative[rank - 1])) / _cumulative[^1];

    public int Next()
    {
        var target = _random.NextDouble() * _cumulative[^1];
        var index = Array.BinarySearch(_cumulative, target);
        return Math.Min(index >= 0 ? index : ~index, _cumulative.Length - 1);
    }
}
