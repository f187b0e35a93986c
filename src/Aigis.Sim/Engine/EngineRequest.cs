namespace Aigis.Sim.Engine;

internal enum EngineRequestState
{
    Waiting,
    Running,
    Finished,
    Aborted,
}

/// <summary>One sequence inside the engine: its size, its progress and the KV blocks it holds.</summary>
internal sealed class EngineRequest
{
    public EngineRequest(long id, int promptTokens, ulong[] promptBlockHashes, int maxOutputTokens, double arrivalMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(promptTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(maxOutputTokens);
        Id = id;
        PromptTokens = promptTokens;
        PromptBlockHashes = promptBlockHashes;
        MaxOutputTokens = maxOutputTokens;
        ArrivalMs = arrivalMs;
    }

    public long Id { get; }

    public int PromptTokens { get; }

    /// <summary>Hash chain of the prompt's full blocks, for prefix caching.</summary>
    public ulong[] PromptBlockHashes { get; }

    /// <summary>Tokens to generate; 0 for a prefill-only request (an embedding).</summary>
    public int MaxOutputTokens { get; }

    public double ArrivalMs { get; }

    public EngineRequestState State { get; internal set; } = EngineRequestState.Waiting;

    /// <summary>Positions whose KV is computed: prompt and generated tokens.</summary>
    public int ComputedTokens { get; internal set; }

    public int OutputTokens { get; internal set; }

    /// <summary>Prompt tokens served from the prefix cache at the last admission.</summary>
    public int CachedPromptTokens { get; internal set; }

    public int Preemptions { get; internal set; }

    /// <summary>When the first output token (or, for prefill-only requests, the end of prefill) came out.</summary>
    public double? FirstTokenMs { get; internal set; }

    public double? FinishedMs { get; internal set; }

    /// <summary>The KV blocks this request holds, in position order.</summary>
    internal List<int> Blocks { get; } = [];

    /// <summary>Tokens that must be computed before the next token comes out: the prompt, then each generated token.</summary>
    internal int TargetTokens => PromptTokens + OutputTokens;

    /// <summary>True once the whole prompt has been computed at least once, so a step's single token is a decode.</summary>
    internal bool IsDecoding => OutputTokens > 0 && ComputedTokens == TargetTokens - 1;
}
