using System.Buffers;
using System.Text;

namespace Aigis.Core.Security.Rules;

/// <summary>
/// The words of which at least one must occur (any case) for a rule's pattern to run at all, searched so that
/// plain ASCII text pays only for the words it could contain.
/// </summary>
/// <remarks>
/// <see cref="SearchValues{T}"/> of strings is vectorized (Teddy) when every word is ASCII, but falls back to a
/// scalar Aho-Corasick walk with case folding as soon as one word is not: measured here, one 30-word list of
/// the non-English injection verbs cost 22 µs over a 2 KB English prompt, three times the rest of the prompt
/// rules together. A word with a character that has no ASCII case form (Cyrillic, CJK, "ö") cannot occur in
/// text that is all ASCII, so those words are searched only when the text is not, which one vectorized
/// <see cref="Ascii.IsValid(ReadOnlySpan{char})"/> says. A word with a non-ASCII letter that ordinal-ignore-case
/// takes for an ASCII one would stay with the ASCII words (the test checks every character for that).
/// </remarks>
public sealed class RulePrefilter
{
    private readonly SearchValues<string>? _anyText;
    private readonly SearchValues<string>? _nonAsciiTextOnly;

    public RulePrefilter(IReadOnlyList<string> words)
    {
        ArgumentOutOfRangeException.ThrowIfZero(words.Count);
        Words = words;
        var anyText = words.Where(w => !NeedsNonAsciiText(w)).ToArray();
        var nonAsciiOnly = words.Where(NeedsNonAsciiText).ToArray();
        _anyText = anyText.Length == 0 ? null : SearchValues.Create(anyText, StringComparison.OrdinalIgnoreCase);
        _nonAsciiTextOnly = nonAsciiOnly.Length == 0 ? null : SearchValues.Create(nonAsciiOnly, StringComparison.OrdinalIgnoreCase);
    }

    public IReadOnlyList<string> Words { get; }

    /// <summary>True when one of the words occurs in <paramref name="text"/> (any case); false rules the pattern out.</summary>
    public bool MayMatch(ReadOnlySpan<char> text)
    {
        if (_anyText is not null && text.IndexOfAny(_anyText) >= 0)
        {
            return true;
        }

        return _nonAsciiTextOnly is not null && !Ascii.IsValid(text) && text.IndexOfAny(_nonAsciiTextOnly) >= 0;
    }

    /// <summary>
    /// True when <paramref name="word"/> has a character that no ASCII character equals under ordinal-ignore-case,
    /// which compares the invariant upper-case forms: the character's is not ASCII.
    /// </summary>
    internal static bool NeedsNonAsciiText(string word)
    {
        foreach (var c in word)
        {
            if (!char.IsAscii(char.ToUpperInvariant(c)))
            {
                return true;
            }
        }

        return false;
    }
}
