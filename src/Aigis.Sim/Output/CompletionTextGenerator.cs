namespace Aigis.Sim.Output;

/// <summary>Produces the answer to a prompt, the same every time for the same seed and prompt.</summary>
/// <remarks>
/// Words are drawn from <see cref="CompletionWords"/> by a <see cref="SplitMix64"/> seeded with
/// seed XOR the prompt's stable hash. A request with max_tokens gets exactly that many tokens and
/// finish_reason "length"; otherwise the length is drawn in [16, default] and the reason is "stop".
/// </remarks>
internal sealed class CompletionTextGenerator
{
    private const int SentenceEndOneIn = 12;

    private readonly ulong _seed;
    private readonly int _maxTokensDefault;

    public CompletionTextGenerator(long seed, int maxTokensDefault)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokensDefault, CompletionLength.Minimum);
        _seed = unchecked((ulong)seed);
        _maxTokensDefault = maxTokensDefault;
    }

    public GeneratedCompletion Generate(ulong promptHash, int? maxTokens)
    {
        var random = new SplitMix64(_seed ^ promptHash);
        var count = maxTokens ?? (CompletionLength.Minimum + random.NextInt32(_maxTokensDefault - CompletionLength.Minimum + 1));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count, nameof(maxTokens));
        var tokens = new string[count];
        tokens[0] = CompletionWords.Opening[random.NextInt32(CompletionWords.Count)];
        for (var index = 1; index < count; index++)
        {
            var word = random.NextInt32(CompletionWords.Count);
            var endsSentence = index == count - 1 || random.NextInt32(SentenceEndOneIn) == 0;
            tokens[index] = endsSentence ? CompletionWords.SentenceEnd[word] : CompletionWords.Inner[word];
        }

        return new GeneratedCompletion(tokens, maxTokens is null ? FinishReason.Stop : FinishReason.Length);
    }
}
