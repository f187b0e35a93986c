using System.Collections.Frozen;

namespace Aigis.Core.Security.Decoding;

/// <summary>
/// Decodes one HTML character reference: numeric (<c>&amp;#60;</c>, <c>&amp;#x3c;</c>, with or without the
/// closing semicolon, as browsers accept) or one of the named entities attacks use.
/// </summary>
internal static class HtmlEntities
{
    private const int MaxNameLength = 10;

    // The named entities that matter for markup and script injection; browsers know ~2,000, attacks use these.
    private static readonly FrozenDictionary<string, char> s_named = new Dictionary<string, char>(StringComparer.Ordinal)
    {
        ["lt"] = '<', ["gt"] = '>', ["amp"] = '&', ["quot"] = '"', ["apos"] = '\'', ["nbsp"] = ' ',
        ["colon"] = ':', ["lpar"] = '(', ["rpar"] = ')', ["sol"] = '/', ["bsol"] = '\\', ["semi"] = ';',
        ["tab"] = '\t', ["newline"] = '\n', ["equals"] = '=', ["comma"] = ',', ["period"] = '.', ["excl"] = '!',
        ["grave"] = '`', ["lsqb"] = '[', ["rsqb"] = ']', ["lcub"] = '{', ["rcub"] = '}', ["num"] = '#',
        ["LT"] = '<', ["GT"] = '>', ["AMP"] = '&', ["QUOT"] = '"',
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, char>.AlternateLookup<ReadOnlySpan<char>> s_lookup = s_named.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Decodes the reference at the start of <paramref name="s"/> (which starts with '&amp;'); returns the characters consumed.</summary>
    public static int Decode(ReadOnlySpan<char> s, out char decoded)
    {
        if (s.Length >= 3 && s[1] == '#')
        {
            var hex = s[2] is 'x' or 'X';
            var start = hex ? 3 : 2;
            var end = start;
            var limit = Math.Min(s.Length, start + 8);
            while (end < limit && (hex ? char.IsAsciiHexDigit(s[end]) : char.IsAsciiDigit(s[end])))
            {
                end++;
            }

            if (end > start && (hex
                ? InputDecoder.TryHex(s[start..end], out var code)
                : int.TryParse(s[start..end], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out code)))
            {
                decoded = code is > 0 and <= 0xFFFF ? (char)code : '\uFFFD';
                return end < s.Length && s[end] == ';' ? end + 1 : end;
            }
        }
        else
        {
            var end = 1;
            var limit = Math.Min(s.Length, MaxNameLength + 1);
            while (end < limit && char.IsAsciiLetter(s[end]))
            {
                end++;
            }

            if (end > 1 && s_lookup.TryGetValue(s[1..end], out var named))
            {
                decoded = named;
                return end < s.Length && s[end] == ';' ? end + 1 : end;
            }
        }

        decoded = '&';
        return 1;
    }
}
