namespace Aigis.Core.Security.Tokenizing;

/// <summary>
/// Reads a value as an HTML tokenizer would (tag open, tag name, attributes) and says whether it would run
/// script: a <c>script</c> element, an event handler attribute (<c>on...=</c>), or a URL attribute whose
/// value is a <c>javascript:</c>, <c>vbscript:</c> or <c>data:text/html</c> URL once the white space and
/// control characters browsers skip are removed. Tags, not words: "use a script tag" or <c>a &lt; b</c> pass.
/// </summary>
/// <remarks>After libinjection's XSS check (its HTML5 tokenizer states), written from its description.</remarks>
public static class HtmlInjection
{
    private static readonly string[] s_urlAttributes = ["href", "src", "action", "formaction", "data", "xlink:href", "background", "poster", "lowsrc", "dynsrc", "code", "codebase"];

    public static bool IsInjection(ReadOnlySpan<char> text)
    {
        if (StartsWithScriptUrl(text))
        {
            return true;
        }

        var i = 0;
        while (i < text.Length)
        {
            var open = text[i..].IndexOf('<');
            if (open < 0)
            {
                return false;
            }

            i += open + 1;
            var nameStart = i;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is ':' or '-'))
            {
                i++;
            }

            // A tag name starts with a letter right after '<' ("< b" and "<3" are text).
            if (i == nameStart || !char.IsAsciiLetter(text[nameStart]))
            {
                continue;
            }

            var name = text[nameStart..i];
            if (name.Equals("script", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (InspectAttributes(text, ref i))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Walks the attributes of one tag up to its '&gt;' (or the end); true when one runs script.</summary>
    private static bool InspectAttributes(ReadOnlySpan<char> text, ref int i)
    {
        while (i < text.Length && text[i] != '>')
        {
            // Browsers separate attributes with white space or '/': <svg/onload=...>.
            if (char.IsWhiteSpace(text[i]) || text[i] is '/' or '"' or '\'' || char.IsControl(text[i]))
            {
                i++;
                continue;
            }

            if (text[i] == '<')
            {
                return false;
            }

            var nameStart = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('=' or '>' or '/' or '<'))
            {
                i++;
            }

            var name = text[nameStart..i];
            var j = i;
            while (j < text.Length && char.IsWhiteSpace(text[j]))
            {
                j++;
            }

            if (j >= text.Length || text[j] != '=')
            {
                continue;
            }

            j++;
            while (j < text.Length && char.IsWhiteSpace(text[j]))
            {
                j++;
            }

            var valueStart = j;
            var quote = j < text.Length && text[j] is '"' or '\'' or '`' ? text[j] : '\0';
            if (quote != '\0')
            {
                valueStart++;
                var end = text[valueStart..].IndexOf(quote);
                j = end < 0 ? text.Length : valueStart + end + 1;
            }
            else
            {
                while (j < text.Length && !char.IsWhiteSpace(text[j]) && text[j] != '>')
                {
                    j++;
                }
            }

            var value = text[valueStart..Math.Min(j, text.Length)];
            if (name.Length > 2 && name.StartsWith("on", StringComparison.OrdinalIgnoreCase) && IsAsciiLetters(name[2..]))
            {
                return true;
            }

            foreach (var attribute in s_urlAttributes)
            {
                if (name.Equals(attribute, StringComparison.OrdinalIgnoreCase) && StartsWithScriptUrl(value))
                {
                    return true;
                }
            }

            if (name.Equals("srcdoc", StringComparison.OrdinalIgnoreCase) && IsInjection(value))
            {
                return true;
            }

            i = j;
        }

        return false;
    }

    /// <summary><c>javascript:</c>, <c>vbscript:</c>, <c>livescript:</c> or <c>data:text/html</c>, ignoring what browsers ignore inside a scheme.</summary>
    public static bool StartsWithScriptUrl(ReadOnlySpan<char> value)
    {
        Span<char> scheme = stackalloc char[16];
        var n = 0;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || (n == 0 && c is '"' or '\''))
            {
                continue;
            }

            if (c == ':' || n == scheme.Length)
            {
                break;
            }

            scheme[n++] = char.ToLowerInvariant(c);
        }

        var word = scheme[..n];
        if (word is "javascript" or "vbscript" or "livescript")
        {
            return true;
        }

        if (word is "data")
        {
            var colon = value.IndexOf(':');
            var rest = value[(colon + 1)..].TrimStart();
            return rest.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("image/svg", StringComparison.OrdinalIgnoreCase) ||
                rest.StartsWith("application/x-javascript", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("text/javascript", StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }

    private static bool IsAsciiLetters(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }
}
