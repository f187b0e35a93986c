using Aigis.Core.Balancing;

namespace Aigis.Bench.Routing.Prompts;

/// <summary>
/// The token ids a segment id stands for: token i of segment X is a hash of (X, i), so the same id always gives the
/// same text, a longer segment with the same id extends a shorter one, and different ids practically never
/// collide.
/// </summary>
internal static class SegmentTokens
{
    /// <summary>Llama 3's vocabulary size; any large number would do.</summary>
    private const uint Vocabulary = 128_256;

    public static ulong Seed(string segmentId) => StableHash.Of(segmentId);

    /// <summary>Writes tokens <paramref name="first"/> to <c>first + destination.Length - 1</c> of the segment seeded by <paramref name="seed"/>.</summary>
    public static void Fill(ulong seed, int first, Span<int> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (int)(StableHash.Mix(seed, (ulong)(first + i)) % Vocabulary);
        }
    }
}
