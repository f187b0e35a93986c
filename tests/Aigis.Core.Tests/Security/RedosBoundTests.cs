using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Aigis.Core.Security.Inspection;
using Aigis.Core.Security.Prompting;
using Aigis.Core.Security.Rules;
using Aigis.Core.Security.Ssrf;
using Aigis.Core.Security.Tokenizing;

namespace Aigis.Core.Tests.Security;

/// <summary>
/// ReDoS-proof by construction: every shipped rule runs on the non-backtracking engine, or has only bounded
/// look-behinds; and each rule family, and each code rule, meets the inputs that make backtracking blow up in
/// bounded time.
/// </summary>
public sealed class RedosBoundTests
{
    // Generous: "seconds, not minutes", on a shared two-core machine.
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(20);

    private static readonly string[] s_fragments =
    [
        "a", " ", "\n", "'", "\"", "<", "<a ", "%", "%2", "\\", "/", "../", "${", "{{", "(", "=", ";", "&", "|", "`", "1", "1 ",
        "ignore ", "ignore all ", "previous ", "select ", "union ", "or 1=", "http://", "a=", "--", "/*", "\t", "please ", ". ",
    ];

    [Fact]
    public void Every_shipped_rule_is_non_backtracking_or_has_only_bounded_look_behinds()
    {
        var offenders = new List<string>();
        foreach (var rule in DefaultRules.Load(SecurityPolicy.MatchTimeout))
        {
            if ((rule.Regex.Options & RegexOptions.NonBacktracking) != 0)
            {
                continue;
            }

            foreach (var lookBehind in LookBehinds(rule.Pattern))
            {
                var stripped = Regex.Replace(lookBehind, @"\\s\{\d,\d\}", "");
                if (Regex.IsMatch(stripped, @"(?<!\\)[*+]|\{\d+,\}"))
                {
                    offenders.Add($"{rule.Id}: {lookBehind}");
                }
            }

            if (!rule.Pattern.Contains("(?<=", StringComparison.Ordinal) && !rule.Pattern.Contains("(?<!", StringComparison.Ordinal))
            {
                offenders.Add($"{rule.Id}: backtracking without a look-behind to need it");
            }
        }

        Assert.Empty(offenders);
    }

    public static TheoryData<string> Families() => [.. RuleFamilies.All];

    [Theory]
    [MemberData(nameof(Families))]
    public void Each_family_meets_pathological_inputs_in_bounded_time(string family)
    {
        var rules = DefaultRules.Load(SecurityPolicy.MatchTimeout).Where(r => r.Family == family).ToArray();
        var inputs = s_fragments.Select(f => Repeat(f, 32 * 1024)).Concat(rules.SelectMany(r => r.PrefilterWords).Take(20).Select(w => Repeat(w + " ", 32 * 1024))).ToArray();
        var started = Stopwatch.GetTimestamp();
        foreach (var rule in rules)
        {
            foreach (var input in inputs)
            {
                _ = rule.Regex.IsMatch(input);
            }
        }

        Assert.True(Stopwatch.GetElapsedTime(started) < s_budget, $"{family}: {Stopwatch.GetElapsedTime(started)} for {rules.Length} rules");
    }

    [Fact]
    public void Code_rules_meet_pathological_inputs_in_bounded_time()
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var fragment in s_fragments.Concat(["<a b=", "a://", "[$", "\u200B", "1gn0r3 ", "i g ", "SGVsbG8g", "erongi "]))
        {
            // Four times the default per-field cap (maxInspectSize, 16 KiB): fields are never longer in the request path.
            var input = Repeat(fragment, 64 * 1024);
            _ = SqlInjection.IsInjection(input);
            _ = HtmlInjection.IsInjection(input);
            _ = UrlHosts.Classify(input);
            var buffer = new char[input.Length];
            _ = PromptNormalizer.Normalize(input, buffer);
            var card = new ScoreCard();
            PromptViews.Inspect(SecurityTestRules.ParanoiaOne, input, card);
        }

        Assert.True(Stopwatch.GetElapsedTime(started) < s_budget, $"{Stopwatch.GetElapsedTime(started)}");
    }

    private static string Repeat(string fragment, int length)
    {
        var builder = new StringBuilder(length + fragment.Length);
        while (builder.Length < length)
        {
            builder.Append(fragment);
        }

        return builder.ToString();
    }

    private static IEnumerable<string> LookBehinds(string pattern)
    {
        var at = 0;
        while ((at = pattern.IndexOf("(?<", at, StringComparison.Ordinal)) >= 0)
        {
            if (at + 3 < pattern.Length && pattern[at + 3] is '=' or '!')
            {
                var depth = 0;
                var i = at;
                for (; i < pattern.Length; i++)
                {
                    if (pattern[i] == '\\')
                    {
                        i++;
                        continue;
                    }

                    if (pattern[i] == '(')
                    {
                        depth++;
                    }
                    else if (pattern[i] == ')' && --depth == 0)
                    {
                        break;
                    }
                }

                yield return pattern[at..Math.Min(i + 1, pattern.Length)];
            }

            at += 3;
        }
    }
}
