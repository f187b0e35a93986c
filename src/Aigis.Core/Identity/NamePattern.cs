namespace Aigis.Core.Identity;

/// <summary>
/// A service or model name, or a glob over names: <c>*</c> stands for any run of characters (none included),
/// <c>?</c> for exactly one. Matching is ordinal and case-sensitive, as routing is: <c>GPT-4o</c> is not
/// <c>gpt-4o</c>, so a pattern can never allow a spelling that routing would treat as another model.
/// </summary>
public static class NamePattern
{
    public const int MaxLength = 200;

    /// <summary>Letters, digits and the punctuation model ids use (<c>meta-llama/Llama-3-8B</c>, <c>gpt-4o:2024</c>), plus the two wildcards.</summary>
    public static bool IsValid(string pattern, out string? problem)
    {
        problem = null;
        if (pattern.Length is 0 or > MaxLength)
        {
            problem = $"a name or pattern has 1 to {MaxLength} characters";
            return false;
        }

        foreach (var c in pattern)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or '/' or ':' or '@' or '+' or '*' or '?'))
            {
                problem = $"'{pattern}' has the character '{c}'; names and patterns use letters, digits, - _ . / : @ + and the wildcards * and ?";
                return false;
            }
        }

        return true;
    }

    public static bool HasWildcard(ReadOnlySpan<char> pattern) => pattern.IndexOfAny('*', '?') >= 0;

    /// <summary>
    /// Whether <paramref name="name"/> matches <paramref name="pattern"/>. Iterative with one backtrack point
    /// (the last <c>*</c>), so the cost is at most length x length and no pattern can make it blow up.
    /// </summary>
    public static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
