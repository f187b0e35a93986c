using System.ComponentModel.DataAnnotations;

namespace Aigis.Sim.Engine;

/// <summary>
/// Duration of one engine step: a fixed overhead (reading the weights, launching kernels, scheduling), plus a cost
/// per prompt token prefilled, per sequence decoded, and per context token the decoded sequences attend to.
/// </summary>
/// <remarks>
/// Decode on an H100 is memory-bound: each step reads the 16 GB of weights once (the fixed part) and each
/// sequence's KV cache (the context part, about 4.4e-5 ms per token as vLLM measured). Prefill is compute-bound
/// and linear in tokens (about 43k tokens/s).
/// </remarks>
internal sealed record StepCostModel
{
    /// <summary>Fixed cost of any step, in ms. Default 6.2.</summary>
    [Range(0.0, 10_000.0)]
    public double StepOverheadMs { get; init; } = 6.2;

    /// <summary>Cost of each prompt token computed in the step, in ms. Default 0.0233 (about 43k tokens/s).</summary>
    [Range(0.0, 1_000.0)]
    public double PrefillMsPerToken { get; init; } = 0.0233;

    /// <summary>Cost of each sequence decoding one token, in ms. Default 0.065.</summary>
    [Range(0.0, 1_000.0)]
    public double DecodeMsPerSequence { get; init; } = 0.065;

    /// <summary>Cost of each context token a decoding sequence attends to, in ms. Default 4.4e-5.</summary>
    [Range(0.0, 1.0)]
    public double AttentionMsPerContextToken { get; init; } = 4.4e-5;

    /// <summary>The duration of a step with this work in it.</summary>
    public double StepMs(int prefillTokens, int decodeSequences, long decodeContextTokens) =>
        StepOverheadMs + (PrefillMsPerToken * prefillTokens) + (DecodeMsPerSequence * decodeSequences) + (AttentionMsPerContextToken * decodeContextTokens);
}
