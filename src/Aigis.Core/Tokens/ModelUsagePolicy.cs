using System.Collections.Concurrent;
using Aigis.Core.Configuration;
using Aigis.Core.Identity;

namespace Aigis.Core.Tokens;

/// <summary>What one model's tokens are counted with and cost.</summary>
public sealed record ModelUsage(TokenCounter Counter, long InputMicrosPerMillion, long OutputMicrosPerMillion)
{
    /// <summary>The cost of <paramref name="prompt"/> and <paramref name="completion"/> tokens, in micro-dollars, rounded up.</summary>
    public long CostMicros(long prompt, long completion)
    {
        var total = (Int128)Math.Max(prompt, 0) * InputMicrosPerMillion + (Int128)Math.Max(completion, 0) * OutputMicrosPerMillion;
        return (long)((total + 999_999) / 1_000_000);
    }
}

/// <summary>
/// Resolves a model name to its <see cref="ModelUsage"/> from the <c>usage</c> section: the first rule that
/// matches, else the default encoding (by model family unless configured) at no cost. Built once per config;
/// answers are remembered per model name, up to a bound, since a tenant's globs can let through any number of names.
/// </summary>
public sealed class ModelUsagePolicy(UsageConfig config)
{
    private const int MaxRemembered = 4096;
    private readonly ConcurrentDictionary<string, ModelUsage> _byModel = new(StringComparer.Ordinal);

    public UsageConfig Config { get; } = config;

    public ModelUsage For(string model)
    {
        if (_byModel.TryGetValue(model, out var usage))
        {
            return usage;
        }

        usage = Resolve(model);
        if (_byModel.Count < MaxRemembered)
        {
            _byModel.TryAdd(model, usage);
        }

        return usage;
    }

    /// <summary>o200k for the families OpenAI moved to it (GPT-4o, the o-series, GPT-4.1, GPT-5); cl100k for everything else.</summary>
    public static TokenEncoding FamilyEncoding(string model)
    {
        var name = model.AsSpan();
        var slash = name.LastIndexOf('/');
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        return name.StartsWith("gpt-4o", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("gpt-4.1", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase)
            || (name.Length >= 2 && name[0] is 'o' or 'O' && char.IsAsciiDigit(name[1]))
            ? TokenEncoding.O200k
            : TokenEncoding.Cl100k;
    }

    private ModelUsage Resolve(string model)
    {
        foreach (var rule in Config.Models)
        {
            if (NamePattern.Matches(rule.Match, model))
            {
                return new ModelUsage(TokenCounter.For(rule.Encoding ?? Config.Encoding ?? FamilyEncoding(model)), rule.InputMicrosPerMillion, rule.OutputMicrosPerMillion);
            }
        }

        return new ModelUsage(TokenCounter.For(Config.Encoding ?? FamilyEncoding(model)), 0, 0);
    }
}
