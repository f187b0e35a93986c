namespace Aigis.Core.Security.Protocol;

/// <summary>What is wrong with a Content-Type or Accept value, if anything.</summary>
internal enum MediaTypeProblem
{
    None,

    /// <summary>Not <c>type/subtype</c> at all, or a multipart subtype no form or API uses, or a boundary on a non-multipart type.</summary>
    NotAllowed,

    /// <summary>A type, but parameters that do not follow the grammar (garbage after ';', a space after '=').</summary>
    Syntax,

    /// <summary>A charset other than the allowed ones: the server would decode differently from the inspector (ibm037, utf-7).</summary>
    Charset,
}

/// <summary>
/// RFC 9110's media-type grammar (<c>type "/" subtype *( OWS ";" OWS name "=" ( token / quoted-string ) )</c>)
/// and CRS's charset policy, as code: one linear pass, no pattern to backtrack.
/// </summary>
internal static class MediaTypes
{
    // CRS's tx.allowed_request_content_type_charset, plus us-ascii (a subset of all of them).
    private static readonly string[] s_charsets = ["utf-8", "iso-8859-1", "iso-8859-15", "windows-1252", "us-ascii"];

    private static readonly string[] s_multipart = ["form-data", "related", "mixed", "alternative", "byteranges"];

    /// <summary>Checks one Content-Type value.</summary>
    public static MediaTypeProblem CheckContentType(ReadOnlySpan<char> value)
    {
        var v = value.Trim();
        if (v.IsEmpty)
        {
            return MediaTypeProblem.None;
        }

        var typeEnd = Token(v, 0);
        if (typeEnd == 0 || typeEnd >= v.Length || v[typeEnd] != '/')
        {
            return MediaTypeProblem.NotAllowed;
        }

        var subtypeEnd = Token(v, typeEnd + 1);
        if (subtypeEnd == typeEnd + 1)
        {
            return MediaTypeProblem.NotAllowed;
        }

        var type = v[..typeEnd];
        var subtype = v[(typeEnd + 1)..subtypeEnd];
        var multipart = type.Equals("multipart", StringComparison.OrdinalIgnoreCase);
        if (multipart && !IsOneOf(subtype, s_multipart))
        {
            return MediaTypeProblem.NotAllowed;
        }

        return CheckParameters(v, subtypeEnd, multipart, allowBoundary: multipart, stopAtComma: false, out _);
    }

    /// <summary>Checks an Accept value: each media range's charset parameter, if it has one.</summary>
    public static bool AcceptHasBadCharset(ReadOnlySpan<char> value)
    {
        foreach (var range in value.Split(','))
        {
            var item = value[range];
            var semicolon = item.IndexOf(';');
            if (semicolon < 0)
            {
                continue;
            }

            if (CheckParameters(item, semicolon, multipart: false, allowBoundary: true, stopAtComma: true, out var charsetBad) == MediaTypeProblem.Charset || charsetBad)
            {
                return true;
            }
        }

        return false;
    }

    private static MediaTypeProblem CheckParameters(ReadOnlySpan<char> v, int i, bool multipart, bool allowBoundary, bool stopAtComma, out bool charsetBad)
    {
        charsetBad = false;
        var charsets = 0;
        while (true)
        {
            i = SkipSpace(v, i);
            if (i >= v.Length)
            {
                return charsetBad ? MediaTypeProblem.Charset : MediaTypeProblem.None;
            }

            if (v[i] != ';')
            {
                return MediaTypeProblem.Syntax;
            }

            i = SkipSpace(v, i + 1);
            if (i >= v.Length)
            {
                return charsetBad ? MediaTypeProblem.Charset : MediaTypeProblem.None; // a trailing ';' is tolerated
            }

            if (v[i] == ';')
            {
                continue;
            }

            var nameEnd = Token(v, i);
            if (nameEnd == i || nameEnd >= v.Length || v[nameEnd] != '=')
            {
                return MediaTypeProblem.Syntax;
            }

            var name = v[i..nameEnd];
            i = nameEnd + 1;
            ReadOnlySpan<char> parameter;
            if (i < v.Length && v[i] == '"')
            {
                var close = v[(i + 1)..].IndexOf('"');
                if (close < 0)
                {
                    return MediaTypeProblem.Syntax;
                }

                parameter = v.Slice(i + 1, close);
                i += close + 2;
            }
            else
            {
                // Unquoted values are tokens in the grammar, but boundaries in the wild hold ':', '(', ',', '?',
                // '=' and '/' (RFC 2046 allows them quoted) and one space after '=' is common: tolerate those.
                if (i < v.Length && v[i] == ' ')
                {
                    i++;
                }

                var end = i;
                while (end < v.Length && v[end] is not (';' or ' ' or '\t' or '"'))
                {
                    end++;
                }

                if (end == i)
                {
                    return MediaTypeProblem.Syntax;
                }

                parameter = v[i..end];
                i = end;
            }

            if (name.Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                charsets++;
                if (!IsOneOf(parameter.Trim().Trim('\''), s_charsets) || charsets > 1)
                {
                    charsetBad = true;
                }
            }
            else if (name.Equals("boundary", StringComparison.OrdinalIgnoreCase) && !allowBoundary && !multipart)
            {
                return MediaTypeProblem.NotAllowed;
            }
        }
    }

    private static bool IsOneOf(ReadOnlySpan<char> value, string[] allowed)
    {
        foreach (var candidate in allowed)
        {
            if (value.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static int SkipSpace(ReadOnlySpan<char> v, int i)
    {
        while (i < v.Length && v[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>The end of the RFC 9110 token starting at <paramref name="i"/> (equal to <paramref name="i"/> when there is none).</summary>
    private static int Token(ReadOnlySpan<char> v, int i)
    {
        while (i < v.Length && IsTokenChar(v[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
