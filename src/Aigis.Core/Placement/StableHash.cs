namespace Aigis.Core.Placement;

/// <summary>
/// A string hash that is the same in every process and on every machine (string.GetHashCode is randomized per
/// process), so consistent hashing places a replica on the same node after a restart.
/// </summary>
internal static class StableHash
{
    /// <summary>FNV-1a over the UTF-16 code units, then a SplitMix64 finish to spread the bits.</summary>
    public static ulong Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Mix(hash);
    }

    /// <summary>A uniform number in (0, 1) from two hashes.</summary>
    public static double Unit(ulong a, ulong b)
    {
        var bits = Mix(a ^ (b * 0x9E3779B97F4A7C15UL)) >> 11;
        return (bits + 0.5) / (1UL << 53);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
