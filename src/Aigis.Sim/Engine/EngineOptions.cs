using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Aigis.Sim.Engine;

/// <summary>
/// The shape of one simulated LLM server: its KV cache, its batch limits and the cost of a step.
/// Defaults model vLLM serving Llama-3-8B (bf16) on one H100 80GB; see the README's simulator section for the
/// published figures they were fitted to and how close the simulator comes.
/// </summary>
internal sealed record EngineOptions
{
    /// <summary>Tokens per KV block (vLLM's block_size). Default 16.</summary>
    [Range(1, 1024)]
    public int BlockSize { get; init; } = 16;

    /// <summary>
    /// KV cache capacity in blocks. Default 25,000 blocks of 16 = 400k tokens: an 8B model's KV takes about 128 KiB
    /// per token, and about 52 GB of an 80 GB card is left for it after weights and activations.
    /// </summary>
    [Range(1, 100_000_000)]
    public int TotalBlocks { get; init; } = 25_000;

    /// <summary>Most sequences running at once (vLLM's max_num_seqs). Default 256.</summary>
    [Range(1, 100_000)]
    public int MaxRunningRequests { get; init; } = 256;

    /// <summary>Token budget of one step, prefill chunks and decodes together (vLLM's max_num_batched_tokens). Default 2048.</summary>
    [Range(1, 10_000_000)]
    public int MaxBatchedTokens { get; init; } = 2048;

    /// <summary>What a step costs.</summary>
    [ValidateObjectMembers]
    public StepCostModel Cost { get; init; } = new();

    /// <summary>The largest prompt plus answer one request may take: the whole cache.</summary>
    public int MaxModelTokens => checked(TotalBlocks * BlockSize);
}
