using Aigis.Core.Security.Rules;

namespace Aigis.Core.Security.Inspection;

/// <summary>
/// What inspection found in one request: the rules that matched (each counted once, however many fields it
/// matched) and the anomaly score per family. Holds rule ids and scores only, never the text that matched.
/// </summary>
public sealed class ScoreCard
{
    private readonly int[] _familyScores = new int[RuleFamilies.All.Count];
    private List<SecurityRule>? _matched;
    private ulong _matchedBits;

    public IReadOnlyList<SecurityRule> Matched => (IReadOnlyList<SecurityRule>?)_matched ?? [];

    /// <summary>The sum of the web-attack families' scores.</summary>
    public int WebScore { get; private set; }

    public int PromptInjectionScore => _familyScores[^1];

    /// <summary>True when a pattern hit its match timeout; the request could not be fully inspected.</summary>
    public bool TimedOut { get; internal set; }

    /// <summary>Characters inspected so far, against the per-request budget.</summary>
    public long InspectedChars { get; internal set; }

    /// <summary>True when a budget (per-request characters, nesting depth) left part of the request uninspected.</summary>
    public bool Truncated { get; internal set; }

    public int FamilyScore(string family)
    {
        var index = IndexOf(family);
        return index < 0 ? 0 : _familyScores[index];
    }

    public bool HasMatched(SecurityRule rule, int ruleIndex)
    {
        if (ruleIndex < 64)
        {
            return (_matchedBits & (1UL << ruleIndex)) != 0;
        }

        return _matched is not null && _matched.Contains(rule);
    }

    internal void Add(SecurityRule rule, int ruleIndex)
    {
        if (HasMatched(rule, ruleIndex))
        {
            return;
        }

        if (ruleIndex < 64)
        {
            _matchedBits |= 1UL << ruleIndex;
        }

        (_matched ??= []).Add(rule);
        var family = IndexOf(rule.Family);
        _familyScores[family] += rule.Score;
        if (RuleFamilies.IsWeb(rule.Family))
        {
            WebScore += rule.Score;
        }
    }

    /// <summary>The matched rule ids of the given kind, comma-separated (for logs, audit and headers).</summary>
    public string RuleIds(bool promptInjection)
    {
        if (_matched is null)
        {
            return "";
        }

        return string.Join(',', _matched.Where(r => RuleFamilies.IsWeb(r.Family) != promptInjection).Select(r => r.Id));
    }

    /// <summary>The web family with the highest score (the one a block is counted under).</summary>
    public string? TopWebFamily()
    {
        string? top = null;
        var best = 0;
        for (var i = 0; i < _familyScores.Length - 1; i++)
        {
            if (_familyScores[i] > best)
            {
                best = _familyScores[i];
                top = RuleFamilies.All[i];
            }
        }

        return top;
    }

    private static int IndexOf(string family)
    {
        var all = RuleFamilies.All;
        for (var i = 0; i < all.Count; i++)
        {
            if (ReferenceEquals(all[i], family) || all[i] == family)
            {
                return i;
            }
        }

        return -1;
    }
}
