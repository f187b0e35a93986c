namespace Aigis.Sim.Output;

/// <summary>A generated answer: one text piece per output token, and why it ended.</summary>
internal sealed record GeneratedCompletion(IReadOnlyList<string> Tokens, FinishReason FinishReason)
{
    /// <summary>The whole answer.</summary>
    public string Text => string.Concat(Tokens);
}
