namespace Aigis.Bench.Routing.Presets;

/// <summary>The seeded distributions presets draw from. Same seed, same draws, on every machine.</summary>
internal sealed class PresetRandom(int seed)
{
    // A seeded System.Random keeps its legacy algorithm forever, so a seed always replays the same workload.
    private readonly Random _random = new(seed);

    public int Between(int minInclusive, int maxInclusive) => _random.Next(minInclusive, maxInclusive + 1);

    public double Uniform() => _random.NextDouble();

    /// <summary>An exponential draw: the gap between Poisson arrivals at 1/<paramref name="mean"/>.</summary>
    public double Exponential(double mean) => -mean * Math.Log(1 - _random.NextDouble());

    /// <summary>A log-normal draw with this median and shape, rounded and clamped: how prompt and answer lengths are spread.</summary>
    public int LogNormal(double median, double sigma, int min, int max)
    {
        // Box-Muller: one standard normal from two uniforms.
        var u1 = 1 - _random.NextDouble();
        var u2 = _random.NextDouble();
        var normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return (int)Math.Clamp(Math.Round(median * Math.Exp(sigma * normal)), min, max);
    }

    /// <summary>An index drawn with probability proportional to <paramref name="weights"/>.</summary>
    public int Pick(ReadOnlySpan<double> weights)
    {
        var total = 0.0;
        foreach (var weight in weights)
        {
            total += weight;
        }

        var target = _random.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            target -= weights[i];
            if (target < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }
}
