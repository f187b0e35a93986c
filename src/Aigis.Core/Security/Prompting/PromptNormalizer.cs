using System.Buffers;

namespace Aigis.Core.Security.Prompting;

/// <summary>
/// Undoes the obfuscations that keep a prompt readable to a model while hiding it from a filter, into a
/// buffer no longer than the input, in one pass:
/// <list type="bullet">
/// <item>Unicode tag characters (U+E0020-U+E007E, invisible) become the ASCII they encode: "ASCII smuggling".</item>
/// <item>Zero-width and other invisible characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen, variation selectors) are dropped.</item>
/// <item>Full-width forms and mathematical alphanumerics (𝐢𝐠𝐧𝐨𝐫𝐞) become ASCII.</item>
/// <item>In a word that mixes Latin with Cyrillic or Greek letters, the look-alikes become Latin (Іgnоrе);
/// a word wholly in Cyrillic or Greek stays, so the lexicons of those languages still match.</item>
/// <item>In a word that mixes letters with digits or symbols, leetspeak becomes letters (1gn0r3 → ignore);
/// numbers and symbols standing alone stay.</item>
/// </list>
/// </summary>
public static class PromptNormalizer
{
    private static readonly SearchValues<char> s_suspicious = SearchValues.Create(
        "\u200B\u200C\u200D\u200E\u200F\u2060\u2061\u2062\u2063\u2064\uFEFF\u00AD\u180E\uDB40\uD835" +
        "\u0430\u0435\u043E\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0410\u0412\u0415\u041A\u041C\u041D\u041E\u0420\u0421\u0422\u0425\u0406\u03BF\u03B1\u03B9\u03BD\u0391\u0392\u0395\u0397\u0399\u039A\u039C\u039D\u039F\u03A1\u03A4\u03A7" +
        "\uFF21\uFF22\uFF23\uFF24\uFF25\uFF26\uFF27\uFF28\uFF29\uFF2A\uFF2B\uFF2C\uFF2D\uFF2E\uFF2F\uFF30\uFF31\uFF32\uFF33\uFF34\uFF35\uFF36\uFF37\uFF38\uFF39\uFF3A" +
        "\uFF41\uFF42\uFF43\uFF44\uFF45\uFF46\uFF47\uFF48\uFF49\uFF4A\uFF4B\uFF4C\uFF4D\uFF4E\uFF4F\uFF50\uFF51\uFF52\uFF53\uFF54\uFF55\uFF56\uFF57\uFF58\uFF59\uFF5A");

    private static readonly SearchValues<char> s_leet = SearchValues.Create("013457@$");

    /// <summary>Words longer than this are tokens, hashes or encoded blobs (which a later view decodes), not leetspeak.</summary>
    private const int MaxLeetWord = 24;

    /// <summary>True when <paramref name="text"/> may hold anything <see cref="Normalize"/> would change (vectorized searches first).</summary>
    public static bool MayNeedNormalizing(ReadOnlySpan<char> text) =>
        text.IndexOfAny(s_suspicious) >= 0 || text.ContainsAnyInRange('\uFE00', '\uFE0F') || HasLeetInWord(text);

    /// <summary>A leet character inside a word ("ign0re") or starting one before two letters ("4ll", "1gnore").</summary>
    private static bool HasLeetInWord(ReadOnlySpan<char> text)
    {
        var from = 0;
        while (true)
        {
            var at = text[from..].IndexOfAny(s_leet);
            if (at < 0)
            {
                return false;
            }

            at += from;
            var before = at > 0 && char.IsAsciiLetter(text[at - 1]);
            var after = at + 1 < text.Length && char.IsAsciiLetter(text[at + 1]);
            if ((before && after) || (after && at + 2 < text.Length && char.IsAsciiLetter(text[at + 2]) && (at == 0 || !char.IsAsciiLetterOrDigit(text[at - 1]))))
            {
                return true;
            }

            from = at + 1;
        }
    }

    /// <summary>Writes the normalized text to <paramref name="output"/> (at least as long as the input) and returns its length.</summary>
    public static int Normalize(ReadOnlySpan<char> input, Span<char> output)
    {
        // Pass 1: code-point folds (tags, invisibles, full-width, math letters); shortens or keeps length.
        var w = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (char.IsHighSurrogate(c) && i + 1 < input.Length && char.IsLowSurrogate(input[i + 1]))
            {
                var cp = char.ConvertToUtf32(c, input[i + 1]);
                i++;
                if (cp is >= 0xE0020 and <= 0xE007E)
                {
                    output[w++] = (char)(cp - 0xE0000);
                }
                else if (cp is >= 0xE0000 and <= 0xE007F or >= 0xE0100 and <= 0xE01EF)
                {
                    // Tag controls and variation selectors supplement: invisible.
                }
                else if (MathLetter(cp) is var letter and not '\0')
                {
                    output[w++] = letter;
                }
                else
                {
                    output[w++] = c;
                    output[w++] = input[i];
                }

                continue;
            }

            switch (c)
            {
                case '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u2060' or '\u2061' or '\u2062' or '\u2063' or '\u2064' or '\uFEFF' or '\u00AD' or '\u180E':
                case >= '\uFE00' and <= '\uFE0F':
                    continue;
                case >= '\uFF01' and <= '\uFF5E':
                    output[w++] = (char)(c - 0xFEE0);
                    continue;
                default:
                    output[w++] = c;
                    continue;
            }
        }

        // Pass 2, in place, word by word: look-alikes in mixed-script words, leetspeak in mixed words.
        var start = 0;
        while (start < w)
        {
            while (start < w && IsSeparator(output[start]))
            {
                start++;
            }

            var end = start;
            while (end < w && !IsSeparator(output[end]))
            {
                end++;
            }

            FoldWord(output[start..end]);
            start = end;
        }

        return w;
    }

    private static bool IsSeparator(char c) => char.IsWhiteSpace(c) || c is ',' or '.' or ';' or ':' or '"' or '\'' or '(' or ')' or '?' or '-' or '/';

    private static void FoldWord(Span<char> word)
    {
        int latin = 0, lookalike = 0, leet = 0, letters = 0;
        foreach (var c in word)
        {
            if (char.IsAsciiLetter(c))
            {
                latin++;
                letters++;
            }
            else if (Homoglyph(c) != '\0')
            {
                lookalike++;
                letters++;
            }
            else if (Leet(c) != '\0')
            {
                leet++;
            }
            else if (char.IsLetter(c))
            {
                letters++;
            }
        }

        var foldHomoglyphs = latin > 0 && lookalike > 0;
        // "1gn0r3", "pr3v10u5": at least two letters, and letters outnumber what is folded (so "1337" and "$5" stay).
        var foldLeet = leet > 0 && letters >= 2 && letters >= leet && word.Length <= MaxLeetWord;
        if (!foldHomoglyphs && !foldLeet)
        {
            return;
        }

        for (var i = 0; i < word.Length; i++)
        {
            if (foldHomoglyphs && Homoglyph(word[i]) is var h and not '\0')
            {
                word[i] = h;
            }
            else if (foldLeet && Leet(word[i]) is var l and not '\0')
            {
                word[i] = l;
            }
        }
    }

    private static char Leet(char c) => c switch
    {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '@' => 'a',
        '$' => 's',
        _ => '\0',
    };

    /// <summary>Cyrillic and Greek letters that render like a Latin one.</summary>
    private static char Homoglyph(char c) => c switch
    {
        'а' or 'А' or 'α' or 'Α' => 'a',
        'В' or 'Β' => 'b',
        'с' or 'С' => 'c',
        'ԁ' => 'd',
        'е' or 'Е' or 'Ε' => 'e',
        'Н' or 'Η' => 'h',
        'і' or 'І' or 'ι' or 'Ι' => 'i',
        'ј' => 'j',
        'К' or 'κ' or 'Κ' => 'k',
        'М' or 'Μ' => 'm',
        'Ν' or 'ν' => 'n',
        'о' or 'О' or 'ο' or 'Ο' => 'o',
        'р' or 'Р' or 'Ρ' => 'p',
        'ѕ' => 's',
        'Т' or 'Τ' => 't',
        'у' => 'y',
        'х' or 'Х' or 'Χ' => 'x',
        _ => '\0',
    };

    /// <summary>Mathematical alphanumeric symbols (U+1D400-U+1D6A3): 13 styled alphabets of 52 letters each.</summary>
    private static char MathLetter(int cp)
    {
        if (cp is < 0x1D400 or > 0x1D6A3)
        {
            return cp is >= 0x1D7CE and <= 0x1D7FF ? (char)('0' + ((cp - 0x1D7CE) % 10)) : '\0';
        }

        var index = (cp - 0x1D400) % 52;
        return index < 26 ? (char)('a' + index) : (char)('a' + index - 26);
    }
}
