namespace Aigis.Core.Configuration;

/// <summary>How prompt and completion tokens are counted for a model.</summary>
public enum TokenEncoding
{
    /// <summary>Tiktoken <c>cl100k_base</c> (GPT-4, GPT-3.5, and a fair count for most open models).</summary>
    Cl100k,

    /// <summary>Tiktoken <c>o200k_base</c> (GPT-4o, o1, o3, GPT-4.1 and later).</summary>
    O200k,

    /// <summary>UTF-8 bytes / 4, rounded up: no tokenizer, no cost, roughly right for English. Only where the config says so.</summary>
    Estimate,
}

/// <summary>
/// The <c>usage</c> section: how tokens are counted and what they cost, per model. The first rule whose
/// <see cref="ModelUsageRule.Match"/> (a name or glob) matches the model applies; models no rule names are
/// counted with <see cref="Encoding"/> (by default, by model family) and cost nothing.
/// </summary>
public sealed record UsageConfig
{
    /// <summary>The encoding for models no rule names; null: o200k for the GPT-4o/o-series/4.1/5 families, cl100k otherwise.</summary>
    public TokenEncoding? Encoding { get; init; }

    public IReadOnlyList<ModelUsageRule> Models { get; init; } = [];
}

/// <summary>One model (or glob of models): its encoding and its prices in micro-dollars per million tokens.</summary>
public sealed record ModelUsageRule(string Match, TokenEncoding? Encoding, long InputMicrosPerMillion, long OutputMicrosPerMillion);

public static class TokenEncodings
{
    public static readonly string[] Names = ["cl100k", "o200k", "estimate"];

    public static string Name(TokenEncoding encoding) => encoding switch
    {
        TokenEncoding.O200k => "o200k",
        TokenEncoding.Estimate => "estimate",
        _ => "cl100k",
    };

    public static TokenEncoding Parse(string name) => name switch
    {
        "o200k" => TokenEncoding.O200k,
        "estimate" => TokenEncoding.Estimate,
        _ => TokenEncoding.Cl100k,
    };
}
