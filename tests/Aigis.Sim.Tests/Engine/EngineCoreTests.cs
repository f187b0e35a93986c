using Aigis.Sim.Engine;
using Aigis.Sim.Engine.KvCache;

namespace Aigis.Sim.Tests.Engine;

public sealed class EngineCoreTests
{
    private static readonly EngineOptions s_options = new();

    [Fact]
    public void A_repeated_prefix_is_a_cache_hit_and_lowers_time_to_first_token()
    {
        var engine = new EngineCore(s_options);
        var prompt = Tokens(seed: 1, count: 4_000);
        var first = Request(1, prompt, 10, at: 0);
        var second = Request(2, prompt, 10, at: 5_000);

        VirtualTimeRunner.Run(engine, [first, second]);

        Assert.Equal(0, first.CachedPromptTokens);
        Assert.Equal(4_000 - 1, second.CachedPromptTokens); // every block hit; the last token is recomputed to produce the answer
        Assert.True(Ttft(second) < Ttft(first) / 4, $"cold {Ttft(first)} ms, warm {Ttft(second)} ms");
        Assert.Equal(8_000, engine.PrefixQueryTokens);
        Assert.Equal(4_000 - 1, engine.PrefixHitTokens);
    }

    [Fact]
    public void A_shared_system_prompt_is_reused_by_a_different_question()
    {
        var engine = new EngineCore(s_options);
        var system = Tokens(seed: 2, count: 1_600);
        var a = Request(1, [.. system, .. Tokens(3, 200)], 5, at: 0);
        var b = Request(2, [.. system, .. Tokens(4, 200)], 5, at: 1_000);

        VirtualTimeRunner.Run(engine, [a, b]);

        Assert.Equal(1_600, b.CachedPromptTokens);
    }

    [Fact]
    public void Time_to_first_token_grows_with_uncached_prompt_tokens()
    {
        int[] sizes = [500, 2_000, 8_000, 32_000];
        var ttfts = sizes.Select(size =>
        {
            var request = Request(1, Tokens(size, size), 1, at: 0);
            VirtualTimeRunner.Run(new EngineCore(s_options), [request]);
            return Ttft(request);
        }).ToArray();

        Assert.True(ttfts.Zip(ttfts.Skip(1)).All(p => p.First < p.Second), string.Join(", ", ttfts));

        // Prefill is about 43k tokens/s: 32k tokens take about 0.75 s.
        Assert.InRange(ttfts[3], 700, 900);
    }

    [Fact]
    public void A_full_batch_makes_requests_wait()
    {
        var engine = new EngineCore(s_options with { MaxRunningRequests = 2 });
        var requests = Enumerable.Range(0, 3).Select(i => Request(i, Tokens(i + 10, 100), 50, at: 0)).ToArray();
        foreach (var request in requests)
        {
            engine.Add(request);
        }

        engine.Step(0);

        Assert.Equal(2, engine.RunningCount);
        Assert.Equal(1, engine.WaitingCount);
        Assert.Equal(EngineRequestState.Waiting, requests[2].State);

        VirtualTimeRunner.Run(engine, []);
        Assert.True(requests[2].FirstTokenMs >= requests[0].FinishedMs, "the third request starts only when a slot frees");
    }

    [Fact]
    public void A_full_cache_makes_a_new_request_wait_for_blocks()
    {
        // 20 blocks of 16 = 320 tokens: two requests of 150 prompt tokens and 10 answers fill it.
        var engine = new EngineCore(s_options with { TotalBlocks = 20 });
        var a = Request(1, Tokens(1, 150), 10, at: 0);
        var b = Request(2, Tokens(2, 150), 10, at: 0);
        var c = Request(3, Tokens(3, 150), 10, at: 0);

        VirtualTimeRunner.Run(engine, [a, b, c]);

        Assert.True(c.FirstTokenMs > Math.Min(a.FinishedMs!.Value, b.FinishedMs!.Value) - 0.001);
        Assert.All(new[] { a, b, c }, r => Assert.Equal(EngineRequestState.Finished, r.State));
    }

    [Fact]
    public void Kv_pressure_preempts_the_latest_request_which_recomputes_and_still_finishes()
    {
        // Two requests whose answers outgrow a small cache: the later one is preempted and recomputed.
        var engine = new EngineCore(s_options with { TotalBlocks = 24 });
        var a = Request(1, Tokens(1, 100), 150, at: 0);
        var b = Request(2, Tokens(2, 100), 150, at: 0);

        VirtualTimeRunner.Run(engine, [a, b]);

        Assert.True(engine.PreemptionCount > 0);
        Assert.Equal(0, a.Preemptions);
        Assert.True(b.Preemptions > 0);
        Assert.Equal(150, a.OutputTokens);
        Assert.Equal(150, b.OutputTokens);
        Assert.Equal(0, engine.KvCacheUsage);
    }

    [Fact]
    public void Chunked_prefill_keeps_decoding_while_a_long_prompt_is_prefilled()
    {
        var engine = new EngineCore(s_options);
        var decoding = Request(1, Tokens(1, 100), 400, at: 0);
        var longPrompt = Request(2, Tokens(2, 20_000), 1, at: 100);

        VirtualTimeRunner.Run(engine, [decoding, longPrompt]);

        // The long prefill takes ten steps of 2048 tokens; the decoding request gets a token in each of them.
        var itl = (decoding.FinishedMs!.Value - decoding.FirstTokenMs!.Value) / 399;
        Assert.InRange(itl, 6, 9);
        Assert.InRange(Ttft(longPrompt), 450, 650);
    }

    [Fact]
    public void Runs_are_exactly_reproducible()
    {
        static double[] Run()
        {
            var random = new Random(42);
            var requests = Enumerable.Range(0, 300)
                .Select(i => Request(i, Tokens(random.Next(5), random.Next(50, 2_000)), random.Next(1, 300), at: i * 25.0))
                .ToArray();
            VirtualTimeRunner.Run(new EngineCore(s_options), requests);
            return [.. requests.Select(r => r.FinishedMs!.Value)];
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Aborting_frees_the_blocks_at_once()
    {
        var engine = new EngineCore(s_options);
        var request = Request(1, Tokens(1, 1_000), 100, at: 0);
        engine.Add(request);
        engine.Step(0);
        Assert.True(engine.KvCacheUsage > 0);

        engine.Abort(request);

        Assert.Equal(0, engine.KvCacheUsage);
        Assert.False(engine.HasWork);
        Assert.Equal(EngineRequestState.Aborted, request.State);
    }

    [Fact]
    public void Prefill_only_requests_finish_after_prefill_without_output()
    {
        var request = Request(1, Tokens(1, 300), 0, at: 0);

        VirtualTimeRunner.Run(new EngineCore(s_options), [request]);

        Assert.Equal(EngineRequestState.Finished, request.State);
        Assert.Equal(0, request.OutputTokens);
        Assert.Equal(request.FirstTokenMs, request.FinishedMs);
    }

    [Fact]
    public void Refuses_a_request_larger_than_the_cache()
    {
        var engine = new EngineCore(s_options with { TotalBlocks = 10 });

        Assert.False(engine.Fits(150, 20));
        Assert.Throws<ArgumentException>(() => engine.Add(Request(1, Tokens(1, 150), 20, at: 0)));
    }

    private static double Ttft(EngineRequest request) => request.FirstTokenMs!.Value - request.ArrivalMs;

    private static int[] Tokens(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(100_000))];
    }

    private static EngineRequest Request(long id, int[] prompt, int output, double at) =>
        new(id, prompt.Length, PrefixHashes.Compute(prompt, s_options.BlockSize), output, at);
}
