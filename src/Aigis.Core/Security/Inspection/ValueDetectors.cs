using Aigis.Core.Security.Rules;
using Aigis.Core.Security.Ssrf;
using Aigis.Core.Security.Tokenizing;

namespace Aigis.Core.Security.Inspection;

/// <summary>
/// The code rules that look at one decoded value (as pattern rules do), run by <see cref="RuleSet"/> after
/// the patterns: URL hosts in every IP encoding, and SQL and HTML by their tokens rather than their spelling.
/// </summary>
internal static class ValueDetectors
{
    public const RuleZone Zones = RuleZone.Args | RuleZone.ModelFields | RuleZone.ArgNames | RuleZone.Cookies;

    private const RuleZone UrlZones = RuleZone.Args | RuleZone.ModelFields;
    private const RuleZone InjectionZones = RuleZone.Args | RuleZone.ArgNames | RuleZone.Cookies;

    public static void Inspect(RuleSet rules, RuleZone zone, ReadOnlySpan<char> decoded, ScoreCard card)
    {
        if ((zone & UrlZones) != 0 && decoded.Contains("://", StringComparison.Ordinal))
        {
            switch (UrlHosts.Classify(decoded))
            {
                case UrlHostKind.Internal:
                    rules.Report(CodeRules.InternalAddress, card);
                    break;
                case UrlHostKind.ObfuscatedPrivate:
                    rules.Report(CodeRules.ObfuscatedAddress, card);
                    break;
            }
        }

        if (zone == RuleZone.ArgNames && decoded.Contains("[$", StringComparison.Ordinal) && MongoOperators.IsOperatorOutsideFilter(decoded))
        {
            rules.Report(CodeRules.NoSqlOperator, card);
        }

        if ((zone & InjectionZones) != 0)
        {
            if (rules.IsActive(CodeRules.SqlTokens) && !card.HasMatched(CodeRules.SqlTokens, int.MaxValue) && SqlInjection.IsInjection(decoded))
            {
                rules.Report(CodeRules.SqlTokens, card);
            }

            if (rules.IsActive(CodeRules.XssTokens) && !card.HasMatched(CodeRules.XssTokens, int.MaxValue) && HtmlInjection.IsInjection(decoded))
            {
                rules.Report(CodeRules.XssTokens, card);
            }
        }
    }
}
