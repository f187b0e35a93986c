using Aigis.Core.Security.Inspection;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Tests.Security;

/// <summary>The shipped rules compiled once for the test run (compiling them takes a second).</summary>
internal static class SecurityTestRules
{
    private static readonly Lazy<RuleSet> s_paranoiaOne = new(() => new RuleSet(DefaultRules.Load(SecurityPolicy.MatchTimeout), 1, _ => true, SecurityPolicy.MatchTimeout));

    public static RuleSet ParanoiaOne => s_paranoiaOne.Value;

    /// <summary>A GET with <paramref name="target"/> (path and query) through the web-attack rules.</summary>
    public static ScoreCard Get(string target, params (string Name, string Value)[] headers)
    {
        var card = new ScoreCard();
        WebRequestInspector.InspectTarget(ParanoiaOne, "GET", target, card);
        foreach (var (name, value) in headers)
        {
            WebRequestInspector.InspectHeader(ParanoiaOne, name, value, card);
        }

        return card;
    }

    public static ScoreCard ModelBody(string json)
    {
        var card = new ScoreCard();
        ModelBodyInspector.Inspect(ParanoiaOne, System.Text.Encoding.UTF8.GetBytes(json), card);
        return card;
    }
}
