namespace Aigis.Sim.Metrics;

/// <summary>Live counters of one served model, read by the /metrics endpoint.</summary>
internal sealed class ModelMetrics
{
    private long _running;
    private long _successes;
    private long _promptTokens;
    private long _generationTokens;

    public ModelMetrics(string modelName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        ModelName = modelName;
    }

    /// <summary>The model_name label.</summary>
    public string ModelName { get; }

    /// <summary>Requests currently being processed.</summary>
    public long Running => Volatile.Read(ref _running);

    /// <summary>Requests that ran to completion.</summary>
    public long Successes => Volatile.Read(ref _successes);

    /// <summary>Prompt tokens prefilled.</summary>
    public long PromptTokens => Volatile.Read(ref _promptTokens);

    /// <summary>Output tokens produced, including those of requests cancelled midway.</summary>
    public long GenerationTokens => Volatile.Read(ref _generationTokens);

    public void RequestStarted() => Interlocked.Increment(ref _running);

    public void RequestEnded() => Interlocked.Decrement(ref _running);

    public void RequestSucceeded() => Interlocked.Increment(ref _successes);

    /// <summary>Time to first token of each request, in seconds.</summary>
    public LatencyHistogram TimeToFirstToken { get; } = new(TimeToFirstTokenBuckets);

    /// <summary>vLLM's buckets for time to first token, in seconds.</summary>
    private static IReadOnlyList<double> TimeToFirstTokenBuckets { get; } =
        [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];

    /// <summary>Counts a prefilled prompt and how long its first token took.</summary>
    public void PromptProcessed(int tokens, double timeToFirstTokenSeconds)
    {
        Interlocked.Add(ref _promptTokens, tokens);
        TimeToFirstToken.Observe(TimeSpan.FromSeconds(timeToFirstTokenSeconds));
    }

    public void TokensGenerated(int tokens) => Interlocked.Add(ref _generationTokens, tokens);
}
