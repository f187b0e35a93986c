namespace Aigis.Sim.Engine.KvCache;

/// <summary>
/// The hash chain of a prompt's full blocks: block i's hash covers its tokens and block i-1's hash, so equal
/// hashes mean equal prefixes up to that block (as vLLM's prefix caching keys blocks).
/// </summary>
internal static class PrefixHashes
{
    /// <summary>The hash before the first block: what <see cref="Continue"/> starts a chain from.</summary>
    public const ulong ChainStart = Offset;

    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>Hashes of every full block of <paramref name="tokens"/>; a partial last block has none.</summary>
    public static ulong[] Compute(ReadOnlySpan<int> tokens, int blockSize)
    {
        var hashes = new ulong[tokens.Length / blockSize];
        Continue(ChainStart, tokens, blockSize, hashes);
        return hashes;
    }

    /// <summary>
    /// Continues a chain whose last block hash is <paramref name="previous"/> (or <see cref="ChainStart"/>) over
    /// the full blocks of <paramref name="tokens"/>, writing <c>tokens.Length / blockSize</c> hashes. Lets a
    /// caller hash a long prompt piece by piece (and remember shared pieces) with the same result as
    /// <see cref="Compute"/> over the whole prompt.
    /// </summary>
    public static void Continue(ulong previous, ReadOnlySpan<int> tokens, int blockSize, Span<ulong> destination)
    {
        var blocks = tokens.Length / blockSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, blocks, nameof(destination));
        for (var block = 0; block < blocks; block++)
        {
            var hash = previous;
            foreach (var token in tokens.Slice(block * blockSize, blockSize))
            {
                hash = Mix(hash, (ulong)(uint)token);
            }

            // Zero is never a hash, so it can mean "none" anywhere.
            destination[block] = hash == 0 ? 1 : hash;
            previous = destination[block];
        }
    }

    // FNV-1a over the token's four bytes, then a final avalanche so chains of small integers spread well.
    private static ulong Mix(ulong hash, ulong token)
    {
        for (var i = 0; i < 4; i++)
        {
            hash = (hash ^ ((token >> (i * 8)) & 0xFF)) * Prime;
        }

        hash ^= hash >> 29;
        return hash;
    }
}
