using System.Runtime.CompilerServices;

namespace Aigis.Sim.Engine;

/// <summary>Paces requests by an <see cref="ILatencyModel"/> and records them in their model's metrics.</summary>
/// <remarks>
/// Token k (from 0) is produced at ttft + k × itl after the request starts. Every request runs as
/// soon as it arrives, so none ever waits. Cancellation (a client that went away) stops the work;
/// tokens produced until then still count as generated, as in vLLM.
/// </remarks>
internal sealed class GenerationEngine
{
    private readonly ILatencyModel _latency;
    private readonly SimulatedClock _clock;

    public GenerationEngine(ILatencyModel latency, SimulatedClock clock)
    {
        ArgumentNullException.ThrowIfNull(latency);
        ArgumentNullException.ThrowIfNull(clock);
        _latency = latency;
        _clock = clock;
    }

    /// <summary>Yields the index of each output token when the model would produce it.</summary>
    public async IAsyncEnumerable<int> StreamAsync(GenerationJob job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = _clock.GetTimestamp();
        var timeToFirstToken = _latency.TimeToFirstToken(job.PromptTokens);
        job.Metrics.RequestStarted();
        try
        {
            for (var index = 0; index < job.CompletionTokens; index++)
            {
                await _clock.WaitUntilAsync(start, timeToFirstToken + (_latency.InterTokenLatency * index), cancellationToken);
                if (index == 0)
                {
                    job.Metrics.PromptProcessed(job.PromptTokens);
                }

                job.Metrics.TokensGenerated(1);
                yield return index;
            }

            job.Metrics.RequestSucceeded();
        }
        finally
        {
            job.Metrics.RequestEnded();
        }
    }

    /// <summary>Completes when the whole answer (or, with no output tokens, the prefill) would be done.</summary>
    public async Task CompleteAsync(GenerationJob job, CancellationToken cancellationToken)
    {
        var start = _clock.GetTimestamp();
        var lastToken = Math.Max(job.CompletionTokens - 1, 0);
        var duration = _latency.TimeToFirstToken(job.PromptTokens) + (_latency.InterTokenLatency * lastToken);
        job.Metrics.RequestStarted();
        try
        {
            await _clock.WaitUntilAsync(start, duration, cancellationToken);
            job.Metrics.PromptProcessed(job.PromptTokens);
            job.Metrics.TokensGenerated(job.CompletionTokens);
            job.Metrics.RequestSucceeded();
        }
        finally
        {
            job.Metrics.RequestEnded();
        }
    }
}
