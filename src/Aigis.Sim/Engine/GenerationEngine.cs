using System.Runtime.CompilerServices;
using Aigis.Sim.Engine.KvCache;

namespace Aigis.Sim.Engine;

/// <summary>The endpoints' way into the engine: submit a request, receive its tokens when the engine produces them.</summary>
/// <remarks>
/// Timing comes entirely from <see cref="EngineLoop"/>: batching, prefix caching and queueing decide when each
/// token appears. A request whose caller stops listening (client gone) is aborted, which frees its KV blocks.
/// </remarks>
internal sealed class GenerationEngine
{
    // A prompt with no text (an empty embedding input) still costs the model one token: its begin-of-sequence marker.
    private static readonly int[] _emptyPrompt = [100_257];

    private readonly EngineLoop _loop;

    public GenerationEngine(EngineLoop loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        _loop = loop;
    }

    public EngineLoop Loop => _loop;

    /// <summary>True when the prompt and answer fit in the engine's KV cache at all.</summary>
    public bool Fits(int promptTokens, int completionTokens) => _loop.Fits(Math.Max(promptTokens, 1), completionTokens);

    /// <summary>Yields the index of each output token when the engine produces it.</summary>
    public async IAsyncEnumerable<int> StreamAsync(GenerationJob job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var ticket = Submit(job);
        var finished = false;
        job.Metrics.RequestStarted();
        try
        {
            var index = 0;
            await foreach (var _ in ticket.Tokens.ReadAllAsync(cancellationToken))
            {
                if (index == 0)
                {
                    job.Metrics.PromptProcessed(job.PromptTokens, ticket.TimeToFirstTokenSeconds ?? 0);
                }

                job.Metrics.TokensGenerated(1);
                yield return index++;
            }

            finished = true;
            job.Metrics.RequestSucceeded();
        }
        finally
        {
            job.Metrics.RequestEnded();
            if (!finished)
            {
                ticket.Abort();
            }
        }
    }

    /// <summary>Completes when the whole answer (or, with no output tokens, the prefill) is done.</summary>
    public async Task CompleteAsync(GenerationJob job, CancellationToken cancellationToken)
    {
        var ticket = Submit(job);
        var finished = false;
        job.Metrics.RequestStarted();
        try
        {
            var tokens = 0;
            await foreach (var _ in ticket.Tokens.ReadAllAsync(cancellationToken))
            {
                tokens++;
            }

            finished = true;
            job.Metrics.PromptProcessed(job.PromptTokens, ticket.TimeToFirstTokenSeconds ?? 0);
            job.Metrics.TokensGenerated(tokens);
            job.Metrics.RequestSucceeded();
        }
        finally
        {
            job.Metrics.RequestEnded();
            if (!finished)
            {
                ticket.Abort();
            }
        }
    }

    private EngineTicket Submit(GenerationJob job)
    {
        var ids = job.PromptTokenIds.Length == 0 ? _emptyPrompt : job.PromptTokenIds;
        return _loop.Submit(ids.Length, PrefixHashes.Compute(ids, _loop.Options.BlockSize), job.CompletionTokens);
    }
}
