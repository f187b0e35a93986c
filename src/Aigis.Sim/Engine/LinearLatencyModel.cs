namespace Aigis.Sim.Engine;

/// <summary>Time to first token grows linearly with the prompt; tokens then follow at a fixed pace.</summary>
/// <remarks>
/// ttft = base + prompt_tokens × prefill cost per token; inter-token latency is constant. Requests
/// do not slow each other down: this model has no batch and no queue.
/// </remarks>
internal sealed class LinearLatencyModel : ILatencyModel
{
    private readonly TimeSpan _timeToFirstTokenBase;
    private readonly long _prefillTicksPerPromptToken;

    public LinearLatencyModel(LatencyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeToFirstTokenBase = options.TimeToFirstTokenBase;
        _prefillTicksPerPromptToken = options.PrefillPerPromptToken.Ticks;
        InterTokenLatency = options.InterTokenLatency;
    }

    /// <inheritdoc />
    public TimeSpan InterTokenLatency { get; }

    /// <inheritdoc />
    public TimeSpan TimeToFirstToken(int promptTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        return _timeToFirstTokenBase + TimeSpan.FromTicks(_prefillTicksPerPromptToken * promptTokens);
    }
}
