using Aigis.Sim.Output;

namespace Aigis.Sim.Tests;

public sealed class DeterministicOutputTests
{
    [Fact]
    public void Stable_hash_does_not_depend_on_the_process()
    {
        // FNV-1a 64 of "" is its offset basis; of "a" (one UTF-16 unit, 0x61) a known constant.
        Assert.Equal(14695981039346656037UL, Fnv1aHash.Of(""));
        Assert.Equal(0xAF63DC4C8601EC8CUL, Fnv1aHash.Of("a"));
    }

    [Fact]
    public void Answer_length_without_max_tokens_stays_between_16_and_the_default()
    {
        var generator = new CompletionTextGenerator(seed: 3, maxTokensDefault: 40);

        var lengths = Enumerable.Range(0, 200).Select(i => generator.Generate((ulong)i, maxTokens: null)).ToList();

        Assert.All(lengths, answer => Assert.InRange(answer.Tokens.Count, 16, 40));
        Assert.All(lengths, answer => Assert.Equal(FinishReason.Stop, answer.FinishReason));
        Assert.True(lengths.Select(answer => answer.Tokens.Count).Distinct().Count() > 10);
    }

    [Fact]
    public void Embedding_depends_on_seed_and_text_only()
    {
        var one = new EmbeddingGenerator(seed: 1, dimensions: 16);

        Assert.Equal(one.Embed("x", 16), new EmbeddingGenerator(seed: 1, dimensions: 16).Embed("x", 16));
        Assert.NotEqual(one.Embed("x", 16), new EmbeddingGenerator(seed: 2, dimensions: 16).Embed("x", 16));
        Assert.NotEqual(one.Embed("x", 16), one.Embed("y", 16));
    }
}
