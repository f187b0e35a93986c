using Aigis.Sim.Engine;
using Aigis.Sim.Engine.KvCache;
using Aigis.Sim.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Sim.Tests;

/// <summary>The real-time driver, run on fake time: tokens come out when the engine's steps end.</summary>
public sealed class GenerationEngineTests : IAsyncDisposable
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(10);
    private static readonly EngineOptions _options = new();

    private readonly FakeTimeProvider _time = new();
    private readonly ModelMetrics _metrics = new("m");
    private EngineLoop? _loop;
    private long _start;

    public async ValueTask DisposeAsync()
    {
        if (_loop is not null)
        {
            await _loop!.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stream_yields_the_first_token_when_prefill_ends_then_one_per_decode_step()
    {
        var engine = Engine(timeScale: 1);
        var prompt = Prompt(1, 1_000);
        await using var tokens = engine.StreamAsync(new GenerationJob(_metrics, prompt, 3), CancellationToken.None).GetAsyncEnumerator();
        var first = tokens.MoveNextAsync().AsTask();

        // Prefill of 1000 tokens: 6.2 + 1000 x 0.0233 = 29.5 ms, delivered at the next whole millisecond.
        await WaitUntilAsync(() => _loop!.PendingWake is not null);
        Assert.Equal(TimeSpan.FromMilliseconds(30), _loop!.PendingWake);
        _time.Advance(TimeSpan.FromMilliseconds(29));
        Assert.False(first.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await first.WaitAsync(_timeout));
        Assert.Equal(1, _metrics.Running);
        Assert.Equal(1_000, _metrics.PromptTokens);

        // Each decode step: 6.2 + 0.065 + context x 4.4e-5 ms.
        await AdvanceToNextWakeAsync();
        Assert.True(await tokens.MoveNextAsync().AsTask().WaitAsync(_timeout));
        await AdvanceToNextWakeAsync();
        Assert.True(await tokens.MoveNextAsync().AsTask().WaitAsync(_timeout));
        Assert.False(await tokens.MoveNextAsync().AsTask().WaitAsync(_timeout));
        Assert.Equal(0, _metrics.Running);
        Assert.Equal(1, _metrics.Successes);
        Assert.Equal(3, _metrics.GenerationTokens);
        var histogram = new System.Text.StringBuilder();
        _metrics.TimeToFirstToken.WriteSamples(histogram, "ttft", "m=\"m\"");
        Assert.Contains("ttft_count{m=\"m\"} 1", histogram.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Time_scale_divides_every_delay()
    {
        var engine = Engine(timeScale: 10);
        await using var tokens = engine.StreamAsync(new GenerationJob(_metrics, Prompt(1, 1_000), 1), CancellationToken.None).GetAsyncEnumerator();
        var first = tokens.MoveNextAsync().AsTask();

        await WaitUntilAsync(() => _loop!.PendingWake is not null);

        // 29.5 ms of engine time is 2.95 ms of real time, rounded up to 3.
        Assert.Equal(TimeSpan.FromMilliseconds(3), _loop!.PendingWake);
        _time.Advance(TimeSpan.FromMilliseconds(3));
        Assert.True(await first.WaitAsync(_timeout));
    }

    [Fact]
    public async Task Virtual_time_and_the_real_time_driver_agree_on_the_same_input()
    {
        var random = new Random(5);
        var shapes = Enumerable.Range(0, 12).Select(i => (Prompt: Prompt(random.Next(3), random.Next(20, 3_000)), Output: random.Next(1, 40))).ToArray();

        // Virtual time.
        var virtualEngine = new EngineCore(_options);
        var virtualRequests = shapes.Select((s, i) => new EngineRequest(i, s.Prompt.Length, PrefixHashes.Compute(s.Prompt, _options.BlockSize), s.Output, 0)).ToArray();
        VirtualTimeRunner.Run(virtualEngine, virtualRequests);

        // The real-time driver on fake time, all submitted at time zero before its first step.
        var engine = Engine(timeScale: 1, start: false);
        var finishedAt = new TimeSpan?[shapes.Length];
        // Submitted in order (each call queues its request before its first await), as the virtual run adds them.
        var runs = shapes.Select(s => engine.CompleteAsync(new GenerationJob(_metrics, s.Prompt, s.Output), CancellationToken.None)).ToArray();
        await WaitUntilAsync(() => _metrics.Running == shapes.Length);
        _loop!.Start();
        var all = Task.WhenAll(runs);
        while (true)
        {
            // Quiescent: the loop sleeps, and every request it has finished has seen its completion.
            await WaitUntilAsync(() => (_loop!.PendingWake is not null || all.IsCompleted) && runs.Count(r => r.IsCompleted) == _loop.DeliveredFinishes);
            for (var i = 0; i < runs.Length; i++)
            {
                if (runs[i].IsCompleted && finishedAt[i] is null)
                {
                    finishedAt[i] = _time.GetElapsedTime(_start);
                }
            }

            if (all.IsCompleted)
            {
                break;
            }

            await AdvanceToNextWakeAsync();
        }

        for (var i = 0; i < shapes.Length; i++)
        {
            var expected = Math.Ceiling(virtualRequests[i].FinishedMs!.Value);
            Assert.Equal(expected, finishedAt[i]!.Value.TotalMilliseconds, precision: 0);
        }
    }

    [Fact]
    public async Task A_cancelled_stream_is_aborted_and_frees_its_kv_blocks()
    {
        var engine = Engine(timeScale: 1);
        using var cancellation = new CancellationTokenSource();
        await using var tokens = engine.StreamAsync(new GenerationJob(_metrics, Prompt(1, 1_000), 100), cancellation.Token).GetAsyncEnumerator();
        var first = tokens.MoveNextAsync().AsTask();
        await AdvanceToNextWakeAsync();
        Assert.True(await first.WaitAsync(_timeout));
        Assert.True(_loop!.Snapshot.KvCacheUsage > 0);

        var next = tokens.MoveNextAsync().AsTask();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(_timeout));
        await tokens.DisposeAsync();
        await AdvanceToNextWakeAsync();
        await WaitUntilAsync(() => _loop!.Snapshot.KvCacheUsage == 0 && _loop!.Snapshot.Running == 0);

        Assert.Equal(0, _metrics.Running);
        Assert.Equal(0, _metrics.Successes);
    }

    private GenerationEngine Engine(double timeScale, bool start = true)
    {
        _start = _time.GetTimestamp();
        _loop = new EngineLoop(_options, _time, timeScale, start);
        return new GenerationEngine(_loop);
    }

    private static int[] Prompt(int seed, int length)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => random.Next(100_000))];
    }

    /// <summary>Moves fake time to the loop's next wake-up, once the loop is asleep waiting for it.</summary>
    private async Task AdvanceToNextWakeAsync()
    {
        await WaitUntilAsync(() => _loop!.PendingWake is not null);
        var due = _loop!.PendingWake!.Value;
        var now = _time.GetElapsedTime(_start);
        if (due > now)
        {
            var parks = _loop!.Parks;
            _time.Advance(due - now);
            await WaitUntilAsync(() => _loop!.Parks > parks);
        }
    }

    /// <summary>Polls a condition the loop's thread makes true; bounded, so a bug fails the test instead of hanging it.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + _timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the engine loop did not get there in time");
            await Task.Yield();
        }
    }
}
