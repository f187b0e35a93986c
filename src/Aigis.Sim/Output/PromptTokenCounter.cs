using Microsoft.ML.Tokenizers;

namespace Aigis.Sim.Output;

/// <summary>Tokenizes prompts with OpenAI's cl100k_base encoding.</summary>
internal sealed class PromptTokenCounter
{
    // Loading the cl100k_base vocabulary takes a few hundred milliseconds. The tokenizer is
    // immutable and thread-safe, so one instance serves every simulator in the process.
    private static readonly Lazy<Tokenizer> _cl100kBase = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    // Taken in the constructor, so the first request does not pay for loading the vocabulary.
    private readonly Tokenizer _tokenizer = _cl100kBase.Value;

    public int Count(string text) => _tokenizer.CountTokens(text);

    /// <summary>Appends the token ids of <paramref name="text"/>: the engine's prefix cache keys blocks by them.</summary>
    public void Encode(string text, List<int> ids) => ids.AddRange(_tokenizer.EncodeToIds(text));
}
