namespace Aigis.Core.Balancing;

/// <summary>
/// What a policy may know about the request it places: the hash chain of its prompt's leading blocks
/// (for prefix affinity) and an affinity key (for consistent hashing). Both come from what passes through
/// the gateway; neither is required.
/// </summary>
public readonly struct BalancingRequest
{
    /// <summary>Hash chain of the prompt's leading blocks: equal leading entries mean an equal prompt prefix.</summary>
    public ReadOnlyMemory<ulong> PrefixBlocks { get; init; }

    /// <summary>Hash of the consistent-hashing key (a header, the tenant, a body field); meaningful when <see cref="HasAffinityKey"/>.</summary>
    /// <summary>
    /// The prompt's whole size in the same block units as <see cref="PrefixBlocks"/> (which stop at a cap), so a policy can
    /// estimate how much of it an instance would have to compute anew; 0 when unknown.
    /// </summary>
    public int PromptBlocks { get; init; }

    public ulong AffinityKey { get; init; }

    public bool HasAffinityKey { get; init; }

    /// <summary>A request about which nothing is known.</summary>
    public static BalancingRequest None => default;

    public static BalancingRequest WithKey(ulong key) => new() { AffinityKey = key, HasAffinityKey = true };

    public static BalancingRequest WithPrefix(ReadOnlyMemory<ulong> blocks, int promptBlocks = 0) => new() { PrefixBlocks = blocks, PromptBlocks = Math.Max(promptBlocks, blocks.Length) };
}
