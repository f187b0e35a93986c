namespace Aigis.Sim.Http;

/// <summary>What a chat or text completion request asks for, once its body is read.</summary>
/// <param name="Model">The requested model name.</param>
/// <param name="PromptParam">Name of the field that holds the prompt ("messages" or "prompt"), for error messages.</param>
/// <param name="PromptHash">Stable hash of the whole prompt: with the seed, it decides the answer.</param>
/// <param name="PromptTokenIds">The prompt's cl100k_base token ids, template tokens included.</param>
/// <param name="MaxTokens">The requested answer length, if any.</param>
/// <param name="Stream">Whether to answer with server-sent events.</param>
/// <param name="IncludeUsage">Whether a stream ends with a usage chunk.</param>
internal sealed record TextGenerationRequest(
    string Model,
    string PromptParam,
    ulong PromptHash,
    int[] PromptTokenIds,
    int? MaxTokens,
    bool Stream,
    bool IncludeUsage)
{
    /// <summary>Prompt length in tokens.</summary>
    public int PromptTokens => PromptTokenIds.Length;
}
