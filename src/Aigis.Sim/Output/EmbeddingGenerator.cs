namespace Aigis.Sim.Output;

/// <summary>Maps each input text to a unit-length vector, the same every time for the same seed and text.</summary>
/// <remarks>
/// Components are uniform in [-1, 1) from a <see cref="SplitMix64"/> seeded with seed XOR the
/// text's stable hash, then normalized. Asking for fewer dimensions keeps the leading components
/// and renormalizes, as OpenAI's text-embedding-3 models do.
/// </remarks>
internal sealed class EmbeddingGenerator
{
    private readonly ulong _seed;

    public EmbeddingGenerator(long seed, int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        _seed = unchecked((ulong)seed);
        Dimensions = dimensions;
    }

    /// <summary>Length of vectors when a request does not ask for fewer.</summary>
    public int Dimensions { get; }

    public float[] Embed(string input, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        var random = new SplitMix64(_seed ^ Fnv1aHash.Of(input));
        var vector = new float[dimensions];
        var squares = 0.0;
        for (var index = 0; index < vector.Length; index++)
        {
            var component = random.NextSignedUnit();
            vector[index] = component;
            squares += component * (double)component;
        }

        // All components zero is possible in principle only; keep the vector finite anyway.
        var scale = squares > 0 ? (float)(1.0 / Math.Sqrt(squares)) : 0f;
        for (var index = 0; index < vector.Length; index++)
        {
            vector[index] *= scale;
        }

        return vector;
    }
}
