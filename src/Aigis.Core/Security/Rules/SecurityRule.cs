using System.Text.RegularExpressions;

namespace Aigis.Core.Security.Rules;

/// <summary>One compiled detection rule: where it looks, what it matches, and what a match costs.</summary>
/// <param name="Id">Unique id; users override or disable a rule by it.</param>
/// <param name="Family">The family (<c>930</c>, <c>942</c>, <c>prompt-injection</c>, ...) the score counts toward.</param>
/// <param name="Headers">For <see cref="RuleZone.Headers"/>: only these headers (lower case); empty for all.</param>
/// <param name="Source">Where the rule was defined (<c>FILE:LINE:COL</c>), for messages about it.</param>
public sealed record SecurityRule(
    string Id,
    string Family,
    Severity Severity,
    int Paranoia,
    RuleZone Zones,
    RuleView View,
    string Pattern,
    Regex Regex,
    string Message,
    IReadOnlyList<string> Headers,
    string Source)
{
    /// <summary>
    /// Words of which at least one must occur (any case) for the pattern to be run at all: a vectorized
    /// multi-string search that rules a value out far faster than the pattern can. Null: always run.
    /// </summary>
    public RulePrefilter? Prefilter { get; init; }

    public IReadOnlyList<string> PrefilterWords => Prefilter?.Words ?? [];

    public int Score => (int)Severity;
}
