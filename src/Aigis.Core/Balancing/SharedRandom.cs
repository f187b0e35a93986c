namespace Aigis.Core.Balancing;

/// <summary>
/// A seeded <see cref="Random"/> made safe for concurrent callers. A seeded Random is not thread-safe, and
/// <see cref="Random.Shared"/> cannot be seeded; a lock around a handful of instructions costs less than
/// either alternative's surprises.
/// </summary>
internal sealed class SharedRandom(Random random)
{
    private readonly Lock _lock = new();

    public int Next(int maxExclusive)
    {
        lock (_lock)
        {
            return random.Next(maxExclusive);
        }
    }

    /// <summary>Two distinct indexes below <paramref name="count"/> (which is at least 2).</summary>
    public (int First, int Second) NextPair(int count)
    {
        lock (_lock)
        {
            var first = random.Next(count);
            var second = random.Next(count - 1);
            return (first, second >= first ? second + 1 : second);
        }
    }
}
