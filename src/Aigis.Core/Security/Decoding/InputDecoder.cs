using System.Buffers;
using System.Globalization;
using System.Text;

namespace Aigis.Core.Security.Decoding;

/// <summary>
/// Turns what a client sent into what a server behind the gateway would finally see, so one pattern matches
/// every spelling of an attack: percent-encoding (also <c>%uXXXX</c> and double encoding), HTML entities,
/// <c>\xHH</c> / <c>\uXXXX</c> / JSON escapes, and NUL bytes removed.
/// </summary>
/// <remarks>
/// Decoding repeats until nothing changes, at most <see cref="MaxPasses"/> times: double and triple encodings
/// are how filters are slipped past, and a bound keeps a crafted input from making it loop. Every pass writes
/// into a caller's buffer no longer than the input (each decoding only shortens), so nothing is allocated.
/// </remarks>
internal static class InputDecoder
{
    public const int MaxPasses = 3;

    /// <summary>True when <paramref name="value"/> holds anything a decoding could change.</summary>
    public static bool NeedsDecoding(ReadOnlySpan<char> value) => value.IndexOfAny(s_decodable) >= 0;

    private static readonly SearchValues<char> s_decodable = SearchValues.Create("%&\\+\0");

    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/> (at least as long); returns the decoded length.</summary>
    public static int Decode(ReadOnlySpan<char> input, Span<char> output, bool plusIsSpace)
    {
        var length = Pass(input, output, plusIsSpace);
        for (var pass = 1; pass < MaxPasses; pass++)
        {
            var current = output[..length];
            if (!NeedsDecoding(current))
            {
                break;
            }

            // Later passes decode in place: each decoding writes no further than it has read.
            var next = Pass(current, output, plusIsSpace: false);
            if (next == length && current[..next].SequenceEqual(output[..next]))
            {
                break;
            }

            length = next;
        }

        return length;
    }

    private static int Pass(ReadOnlySpan<char> input, Span<char> output, bool plusIsSpace)
    {
        var w = 0;
        var i = 0;
        while (i < input.Length)
        {
            var c = input[i];
            switch (c)
            {
                case '%':
                    i += DecodePercent(input[i..], out var decoded);
                    if (decoded != '\0')
                    {
                        output[w++] = decoded;
                    }

                    continue;
                case '&':
                    i += HtmlEntities.Decode(input[i..], out var entity);
                    if (entity != '\0')
                    {
                        output[w++] = entity;
                    }

                    continue;
                case '\\':
                    i += DecodeEscape(input[i..], out var escaped);
                    if (escaped != '\0')
                    {
                        output[w++] = escaped;
                    }

                    continue;
                case '+' when plusIsSpace:
                    output[w++] = ' ';
                    break;
                case '\0':
                    break;
                default:
                    output[w++] = c;
                    break;
            }

            i++;
        }

        return w;
    }

    /// <summary>Decodes <c>%HH</c> (a UTF-8 sequence of them when it forms one) or <c>%uHHHH</c>; a lone % stays.</summary>
    private static int DecodePercent(ReadOnlySpan<char> s, out char decoded)
    {
        if (s.Length >= 6 && (s[1] is 'u' or 'U') && TryHex(s.Slice(2, 4), out var unicode))
        {
            decoded = (char)unicode;
            return 6;
        }

        if (s.Length >= 3 && TryHex(s.Slice(1, 2), out var first))
        {
            if (first < 0x80)
            {
                decoded = (char)first;
                return 3;
            }

            // A UTF-8 sequence spelled as %HH%HH...: decode it whole so "%C3%A9" is one 'é'.
            var count = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
            Span<byte> bytes = stackalloc byte[4];
            bytes[0] = (byte)first;
            var n = 1;
            while (n < count && s.Length >= (n * 3) + 3 && s[n * 3] == '%' && TryHex(s.Slice((n * 3) + 1, 2), out var next) && next is >= 0x80 and < 0xC0)
            {
                bytes[n++] = (byte)next;
            }

            Span<char> chars = stackalloc char[2];
            if (n == count && count > 1 && Encoding.UTF8.TryGetChars(bytes[..n], chars, out var written) && written == 1)
            {
                decoded = chars[0];
                return n * 3;
            }

            // Not valid UTF-8: keep the byte as a Latin-1 character, as a server reading bytes would.
            decoded = (char)first;
            return 3;
        }

        decoded = '%';
        return 1;
    }

    /// <summary>Decodes <c>\xHH</c>, <c>\uHHHH</c>, <c>\u{H..}</c>, and the JSON/C one-letter escapes.</summary>
    private static int DecodeEscape(ReadOnlySpan<char> s, out char decoded)
    {
        if (s.Length >= 2)
        {
            switch (s[1])
            {
                case 'x' or 'X' when s.Length >= 4 && TryHex(s.Slice(2, 2), out var hex):
                    return DecodeHexBytes(s, hex, out decoded);
                case 'u' or 'U' when s.Length >= 6 && TryHex(s.Slice(2, 4), out var unicode):
                    decoded = (char)unicode;
                    return 6;
                case 'n':
                    decoded = '\n';
                    return 2;
                case 'r':
                    decoded = '\r';
                    return 2;
                case 't':
                    decoded = '\t';
                    return 2;
                case '"' or '\'' or '/' or '\\':
                    decoded = s[1];
                    return 2;
            }
        }

        decoded = '\\';
        return 1;
    }

    /// <summary>A run of <c>\xHH</c> that spells one UTF-8 character decodes to it; otherwise the byte alone (Latin-1).</summary>
    private static int DecodeHexBytes(ReadOnlySpan<char> s, int first, out char decoded)
    {
        var count = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
        if (count > 1)
        {
            Span<byte> bytes = stackalloc byte[4];
            bytes[0] = (byte)first;
            var n = 1;
            while (n < count && s.Length >= (n * 4) + 4 && s[n * 4] == '\\' && s[(n * 4) + 1] is 'x' or 'X' && TryHex(s.Slice((n * 4) + 2, 2), out var next) && next is >= 0x80 and < 0xC0)
            {
                bytes[n++] = (byte)next;
            }

            Span<char> chars = stackalloc char[2];
            if (n == count && Encoding.UTF8.TryGetChars(bytes[..n], chars, out var written) && written == 1)
            {
                decoded = chars[0];
                return n * 4;
            }
        }

        decoded = (char)first;
        return 4;
    }

    internal static bool TryHex(ReadOnlySpan<char> digits, out int value) =>
        int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
}
