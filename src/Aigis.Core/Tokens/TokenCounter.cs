using System.Text;
using Aigis.Core.Configuration;
using Microsoft.ML.Tokenizers;

namespace Aigis.Core.Tokens;

/// <summary>Counts the tokens of text in one encoding. Thread-safe; one instance per encoding for the process.</summary>
public abstract class TokenCounter
{
    public abstract TokenEncoding Encoding { get; }

    public abstract int Count(ReadOnlySpan<char> text);

    /// <summary>The shared counter for <paramref name="encoding"/>; a tiktoken vocabulary is loaded on first use (a few hundred ms).</summary>
    public static TokenCounter For(TokenEncoding encoding) => encoding switch
    {
        TokenEncoding.O200k => s_o200k.Value,
        TokenEncoding.Estimate => EstimateCounter.Instance,
        _ => s_cl100k.Value,
    };

    // Immutable once built and shared by every request: the vocabularies are megabytes each.
    private static readonly Lazy<TokenCounter> s_cl100k = new(() => new TiktokenCounter(TokenEncoding.Cl100k, "cl100k_base"));
    private static readonly Lazy<TokenCounter> s_o200k = new(() => new TiktokenCounter(TokenEncoding.O200k, "o200k_base"));

    private sealed class TiktokenCounter(TokenEncoding encoding, string name) : TokenCounter
    {
        private readonly Tokenizer _tokenizer = TiktokenTokenizer.CreateForEncoding(name);

        public override TokenEncoding Encoding { get; } = encoding;

        public override int Count(ReadOnlySpan<char> text) => text.IsEmpty ? 0 : _tokenizer.CountTokens(text);
    }
}

/// <summary>UTF-8 bytes divided by four, rounded up: OpenAI's rule of thumb for English. Used only where the config asks.</summary>
public sealed class EstimateCounter : TokenCounter
{
    public static readonly EstimateCounter Instance = new();

    public override TokenEncoding Encoding => TokenEncoding.Estimate;

    public override int Count(ReadOnlySpan<char> text) => (System.Text.Encoding.UTF8.GetByteCount(text) + 3) / 4;
}
