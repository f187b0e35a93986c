namespace Aigis.Sim;

/// <summary>Bounds of generated answer lengths.</summary>
internal static class CompletionLength
{
    /// <summary>Shortest answer produced when a request sets no max_tokens.</summary>
    public const int Minimum = 16;
}
