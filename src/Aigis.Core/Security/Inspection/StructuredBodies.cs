using System.Buffers;
using System.Text;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Security.Inspection;

/// <summary>
/// Splits XML and multipart bodies into the values a server would read from them, so rules see an
/// attribute value or a form field on its own (anchored patterns work) rather than buried in markup.
/// </summary>
/// <remarks>Both are tolerant, single-pass scanners, not validating parsers: a malformed body is still inspected.</remarks>
internal static class StructuredBodies
{
    /// <summary>XML: every attribute value and every text node as an argument; the whole body as body text too.</summary>
    public static void InspectXml(RuleSet rules, ReadOnlySpan<byte> body, ScoreCard card)
    {
        var chars = ArrayPool<char>.Shared.Rent(body.Length);
        try
        {
            var text = chars.AsSpan(0, Encoding.UTF8.GetChars(body, chars));
            rules.Scan(RuleZone.Body, text, card);
            var i = 0;
            while (i < text.Length)
            {
                var open = text[i..].IndexOf('<');
                var content = open < 0 ? text[i..] : text.Slice(i, open);
                if (!content.Trim().IsEmpty)
                {
                    rules.Scan(RuleZone.Args, content.Trim(), card);
                }

                if (open < 0)
                {
                    break;
                }

                var start = i + open;
                var close = text[start..].IndexOf('>');
                var tag = close < 0 ? text[start..] : text.Slice(start, close);
                InspectAttributes(rules, tag, card);
                i = close < 0 ? text.Length : start + close + 1;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static void InspectAttributes(RuleSet rules, ReadOnlySpan<char> tag, ScoreCard card)
    {
        var i = 0;
        while (i < tag.Length)
        {
            var equals = tag[i..].IndexOf('=');
            if (equals < 0 || i + equals + 1 >= tag.Length)
            {
                return;
            }

            var quoteAt = i + equals + 1;
            var quote = tag[quoteAt];
            if (quote is not ('"' or '\''))
            {
                i = quoteAt;
                continue;
            }

            var end = tag[(quoteAt + 1)..].IndexOf(quote);
            var value = end < 0 ? tag[(quoteAt + 1)..] : tag.Slice(quoteAt + 1, end);
            rules.Scan(RuleZone.Args, value, card);
            i = end < 0 ? tag.Length : quoteAt + end + 2;
        }
    }

    /// <summary>multipart/form-data: each part's name, file name and value. False when there is no boundary.</summary>
    public static bool InspectMultipart(RuleSet rules, ReadOnlySpan<byte> body, string contentType, ScoreCard card)
    {
        var at = contentType.IndexOf("boundary=", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return false;
        }

        var boundary = "--" + contentType[(at + 9)..].Split(';')[0].Trim().Trim('"');
        var chars = ArrayPool<char>.Shared.Rent(body.Length);
        try
        {
            var text = chars.AsSpan(0, Encoding.UTF8.GetChars(body, chars));
            foreach (var range in text.Split(boundary))
            {
                var part = text[range];
                var headerEnd = part.IndexOf("\n\n");
                var separatorLength = 2;
                var crlf = part.IndexOf("\r\n\r\n");
                if (crlf >= 0 && (headerEnd < 0 || crlf < headerEnd))
                {
                    headerEnd = crlf;
                    separatorLength = 4;
                }

                if (headerEnd < 0)
                {
                    continue;
                }

                var headers = part[..headerEnd];
                InspectDispositionField(rules, headers, "name=", RuleZone.ArgNames, card);
                InspectDispositionField(rules, headers, "filename=", RuleZone.Args, card);
                var value = part[(headerEnd + separatorLength)..].TrimEnd("\r\n-");
                rules.Scan(RuleZone.Args, value, card);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        return true;
    }

    private static void InspectDispositionField(RuleSet rules, ReadOnlySpan<char> headers, string field, RuleZone zone, ScoreCard card)
    {
        var at = headers.IndexOf(field, StringComparison.OrdinalIgnoreCase);
        while (at > 0 && field == "name=" && headers[at - 1] == 'e')
        {
            // "filename=" also ends in "name=": look for the next one.
            var next = headers[(at + field.Length)..].IndexOf(field, StringComparison.OrdinalIgnoreCase);
            at = next < 0 ? -1 : at + field.Length + next;
        }

        if (at < 0)
        {
            return;
        }

        var rest = headers[(at + field.Length)..];
        if (rest.Length > 0 && rest[0] == '"')
        {
            rest = rest[1..];
            var end = rest.IndexOf('"');
            rules.Scan(zone, end < 0 ? rest : rest[..end], card);
        }
        else
        {
            var end = rest.IndexOfAny(';', '\r', '\n');
            rules.Scan(zone, end < 0 ? rest : rest[..end], card);
        }
    }
}
