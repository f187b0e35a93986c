namespace Aigis.Sim.Engine;

/// <summary>How long a simulated model takes to answer.</summary>
/// <remarks>
/// Durations are simulated time; <see cref="SimulatedClock"/> compresses them by the time scale.
/// The continuous-batching engine (KV cache blocks, prefix caching, chunked prefill) will replace
/// the only implementation, <see cref="LinearLatencyModel"/>.
/// </remarks>
internal interface ILatencyModel
{
    /// <summary>Delay between receiving a request and producing its first token.</summary>
    TimeSpan TimeToFirstToken(int promptTokens);

    /// <summary>Delay between two consecutive output tokens of one request.</summary>
    TimeSpan InterTokenLatency { get; }
}
