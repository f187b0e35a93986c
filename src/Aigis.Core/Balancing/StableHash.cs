namespace Aigis.Core.Balancing;

/// <summary>Hashes that are the same in every process (string.GetHashCode is randomized per process).</summary>
public static class StableHash
{
    /// <summary>FNV-1a's offset basis: where a running hash starts.</summary>
    public const ulong FnvOffset = 14695981039346656037UL;

    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>FNV-1a over the UTF-16 code units of <paramref name="text"/>, then a final mix.</summary>
    public static ulong Of(ReadOnlySpan<char> text)
    {
        var hash = FnvOffset;
        foreach (var c in text)
        {
            hash = FnvStep(hash, c);
        }

        return Mix(hash, 0);
    }

    /// <summary>One FNV-1a step: folds <paramref name="value"/> into a running hash.</summary>
    public static ulong FnvStep(ulong hash, uint value) => (hash ^ value) * FnvPrime;

    /// <summary>Combines two values into a well-spread 64-bit hash (splitmix64's finalizer).</summary>
    public static ulong Mix(ulong a, ulong b)
    {
        var z = a + (b * 0x9E3779B97F4A7C15UL) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
