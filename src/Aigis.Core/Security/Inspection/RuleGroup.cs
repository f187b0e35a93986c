using System.Text.RegularExpressions;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Security.Inspection;

/// <summary>
/// Rules of one zone and view that one pass rules out together: a gate (their patterns' alternation, or a lone
/// rule's own pattern behind its prefilter words), then each member's own pattern to learn which matched.
/// </summary>
internal sealed record RuleGroup(Regex Combined, SecurityRule[] Rules, int[] Indexes)
{
    // Headers whose values are credentials, transport details or content negotiation: not inspected by rules
    // that do not name them (a rule with `headers:` sees exactly the headers it names).
    private static readonly HashSet<string> s_uninspectedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "proxy-authorization", "x-api-key", "cookie", "content-length", "connection", "host",
        "accept", "accept-encoding", "accept-language", "content-type", "te", "traceparent", "tracestate", "x-request-id",
    };

    public void Match(ReadOnlySpan<char> text, ScoreCard card, string? headerName)
    {
        try
        {
            // A lone rule that does not apply to this header costs nothing; skip it before matching.
            if (Rules.Length == 1 && (card.HasMatched(Rules[0], Indexes[0]) || !AppliesToHeader(Rules[0], headerName) ||
                (Rules[0].Prefilter is { } words && !words.MayMatch(text))))
            {
                return;
            }

            if (!Combined.IsMatch(text))
            {
                return;
            }

            for (var i = 0; i < Rules.Length; i++)
            {
                var rule = Rules[i];
                if (card.HasMatched(rule, Indexes[i]) || !AppliesToHeader(rule, headerName) || (rule.Prefilter is { } ruleWords && !ruleWords.MayMatch(text)))
                {
                    continue;
                }

                if (rule.Regex.IsMatch(text))
                {
                    card.Add(rule, Indexes[i]);
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            card.TimedOut = true;
        }
    }

    private static bool AppliesToHeader(SecurityRule rule, string? headerName)
    {
        if (headerName is null)
        {
            return true;
        }

        if (rule.Headers.Count == 0)
        {
            return !s_uninspectedHeaders.Contains(headerName);
        }

        foreach (var name in rule.Headers)
        {
            if (string.Equals(name, headerName, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
