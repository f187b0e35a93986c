using Aigis.Sim.Engine;
using Aigis.Sim.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Sim.Tests;

public sealed class GenerationEngineTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan _oneMillisecond = TimeSpan.FromMilliseconds(1);

    // 40 ms + 1000 prompt tokens × 0.023 ms.
    private static readonly TimeSpan _timeToFirstTokenFor1000 = TimeSpan.FromMilliseconds(63);

    private readonly FakeTimeProvider _time = new();
    private readonly ModelMetrics _metrics = new("m");

    [Fact]
    public void Time_to_first_token_is_base_plus_prefill_cost_per_prompt_token()
    {
        var model = new LinearLatencyModel(new LatencyOptions());

        Assert.Equal(TimeSpan.FromMilliseconds(40), model.TimeToFirstToken(0));
        Assert.Equal(_timeToFirstTokenFor1000, model.TimeToFirstToken(1000));
        Assert.Equal(TimeSpan.FromMilliseconds(8), model.InterTokenLatency);
    }

    [Fact]
    public async Task Stream_yields_the_first_token_after_ttft_then_one_every_itl()
    {
        var engine = Engine(timeScale: 1);
        await using var tokens = engine.StreamAsync(new GenerationJob(_metrics, 1000, 3), CancellationToken.None).GetAsyncEnumerator();

        await AssertNextAfterAsync(tokens, _timeToFirstTokenFor1000);
        Assert.Equal(1, _metrics.Running);
        Assert.Equal(1000, _metrics.PromptTokens);
        await AssertNextAfterAsync(tokens, TimeSpan.FromMilliseconds(8));
        await AssertNextAfterAsync(tokens, TimeSpan.FromMilliseconds(8));
        Assert.False(await tokens.MoveNextAsync().AsTask().WaitAsync(_timeout));

        Assert.Equal(0, _metrics.Running);
        Assert.Equal(1, _metrics.Successes);
        Assert.Equal(3, _metrics.GenerationTokens);
    }

    [Fact]
    public async Task Time_scale_divides_every_delay()
    {
        // ttft 50 + 1000 × 0.05 = 100 ms and itl 20 ms, ten times faster.
        var latency = new LatencyOptions
        {
            TimeToFirstTokenBase = TimeSpan.FromMilliseconds(50),
            PrefillPerPromptToken = TimeSpan.FromMilliseconds(0.05),
            InterTokenLatency = TimeSpan.FromMilliseconds(20),
        };
        var engine = new GenerationEngine(new LinearLatencyModel(latency), new SimulatedClock(_time, timeScale: 10));
        await using var tokens = engine.StreamAsync(new GenerationJob(_metrics, 1000, 2), CancellationToken.None).GetAsyncEnumerator();

        await AssertNextAfterAsync(tokens, TimeSpan.FromMilliseconds(10));
        await AssertNextAfterAsync(tokens, TimeSpan.FromMilliseconds(2));
    }

    [Fact]
    public async Task A_fraction_of_a_millisecond_is_waited_out_never_skipped()
    {
        var engine = Engine(timeScale: 10);
        await using var tokens = engine.StreamAsync(new GenerationJob(_metrics, 1000, 1), CancellationToken.None).GetAsyncEnumerator();

        // 6.3 ms: Task.Delay counts whole milliseconds, so the token comes at 7 ms, not 6.
        await AssertNextAfterAsync(tokens, TimeSpan.FromMilliseconds(7));
    }

    [Fact]
    public async Task Complete_waits_until_the_last_token_would_be_produced()
    {
        var engine = Engine(timeScale: 1);

        var completion = engine.CompleteAsync(new GenerationJob(_metrics, 1000, 3), CancellationToken.None);
        Assert.Equal(1, _metrics.Running);
        _time.Advance(_timeToFirstTokenFor1000 + TimeSpan.FromMilliseconds(16) - _oneMillisecond);
        Assert.False(completion.IsCompleted);
        _time.Advance(_oneMillisecond);
        await completion.WaitAsync(_timeout);

        Assert.Equal(0, _metrics.Running);
        Assert.Equal(1, _metrics.Successes);
        Assert.Equal(3, _metrics.GenerationTokens);
    }

    [Fact]
    public async Task Cancelled_stream_stops_and_leaves_the_running_count()
    {
        var engine = Engine(timeScale: 1);
        using var cancellation = new CancellationTokenSource();
        await using var tokens = engine.StreamAsync(new GenerationJob(_metrics, 1000, 3), cancellation.Token).GetAsyncEnumerator();
        await AssertNextAfterAsync(tokens, _timeToFirstTokenFor1000);

        var next = tokens.MoveNextAsync().AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(_timeout));
        Assert.Equal(0, _metrics.Running);
        Assert.Equal(0, _metrics.Successes);
        Assert.Equal(1, _metrics.GenerationTokens);
    }

    private GenerationEngine Engine(double timeScale) =>
        new(new LinearLatencyModel(new LatencyOptions()), new SimulatedClock(_time, timeScale));

    /// <summary>The next token is not there just before <paramref name="delay"/> of virtual time, and is at it.</summary>
    private async Task AssertNextAfterAsync(IAsyncEnumerator<int> tokens, TimeSpan delay)
    {
        var next = tokens.MoveNextAsync().AsTask();
        var almost = delay - TimeSpan.FromTicks(1);
        _time.Advance(almost);
        Assert.False(next.IsCompleted, $"token arrived before {delay}");
        _time.Advance(delay - almost);
        Assert.True(await next.WaitAsync(_timeout));
    }
}
