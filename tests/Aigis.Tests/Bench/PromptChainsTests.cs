using Aigis.Bench.Routing.Prompts;
using Aigis.Bench.Routing.Workloads;
using Aigis.Sim.Engine.KvCache;

namespace Aigis.Tests.Bench;

public sealed class PromptChainsTests
{
    [Fact]
    public void A_chain_built_from_segments_equals_the_engine_hash_chain_of_the_whole_prompt()
    {
        PromptSegment[] prompt = [new("sys-1", 1_203), new("c4-q1", 7), new("c4-a1", 45), new("c4-q2", 300)];
        var chains = new PromptChains(16);

        var chain = chains.Chain(chains.Add(prompt));

        Assert.Equal(PrefixHashes.Compute(Tokens(prompt), 16), chain);
    }

    [Fact]
    public void Prompts_share_exactly_the_full_blocks_of_their_shared_leading_segments()
    {
        var chains = new PromptChains(16);
        var a = chains.Chain(chains.Add([new("sys-1", 1_000), new("a-q1", 50)]));
        var b = chains.Chain(chains.Add([new("sys-1", 1_000), new("b-q1", 50)]));
        var c = chains.Chain(chains.Add([new("sys-2", 1_000), new("a-q1", 50)]));

        // 1,000 tokens are 62 full blocks; block 62 mixes the system prompt's last 8 tokens with the question.
        Assert.Equal(a[..62], b[..62]);
        Assert.NotEqual(a[62], b[62]);
        Assert.Empty(a.Intersect(c));
    }

    [Fact]
    public void A_shared_segment_is_hashed_once()
    {
        var chains = new PromptChains(16);
        for (var i = 0; i < 100; i++)
        {
            chains.Add([new("sys-1", 3_200), new($"q{i}", 32)]);
        }

        Assert.Equal(200 + (100 * 2), chains.DistinctBlocks);
    }

    [Fact]
    public void A_prompt_of_100k_tokens_gets_its_whole_chain()
    {
        var chains = new PromptChains(16);

        var chain = chains.Chain(chains.Add([new("long", 100_000), new("tail", 9)]));

        Assert.Equal(100_009 / 16, chain.Length);
        Assert.DoesNotContain(0UL, chain);
    }

    [Fact]
    public void The_same_segment_id_always_stands_for_the_same_tokens()
    {
        Span<int> first = stackalloc int[64];
        Span<int> again = stackalloc int[64];
        Span<int> other = stackalloc int[64];

        SegmentTokens.Fill(SegmentTokens.Seed("sys-3"), 0, first);
        SegmentTokens.Fill(SegmentTokens.Seed("sys-3"), 0, again);
        SegmentTokens.Fill(SegmentTokens.Seed("sys-4"), 0, other);

        Assert.True(first.SequenceEqual(again));
        Assert.False(first.SequenceEqual(other));
    }

    private static int[] Tokens(PromptSegment[] prompt)
    {
        var tokens = new List<int>();
        foreach (var segment in prompt)
        {
            var part = new int[segment.Tokens];
            SegmentTokens.Fill(SegmentTokens.Seed(segment.Id), 0, part);
            tokens.AddRange(part);
        }

        return [.. tokens];
    }
}
