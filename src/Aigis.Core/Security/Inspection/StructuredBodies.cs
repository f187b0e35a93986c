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
    /// <summary>
    /// XML: the prolog (XML declaration, DOCTYPE and its ENTITY declarations: what XXE needs) as body text;
    /// every text node and attribute value as an argument (data a server reads, so anchored patterns work);
    /// each tag through the HTML tokenizer (an element named script or an on* attribute runs in a browser).
    /// Namespace declarations are markup, not data: <c>xmlns="http://..."</c> is in every SOAP envelope.
    /// </summary>
    public static void InspectXml(RuleSet rules, ReadOnlySpan<byte> body, ScoreCard card)
    {
        var chars = ArrayPool<char>.Shared.Rent(body.Length);
        try
        {
            var text = chars.AsSpan(0, Encoding.UTF8.GetChars(body, chars));
            rules.Scan(RuleZone.Body, Prolog(text), card);
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
                if (text[start..].StartsWith("<![CDATA["))
                {
                    var cdataEnd = text[start..].IndexOf("]]>");
                    var cdata = cdataEnd < 0 ? text[(start + 9)..] : text[(start + 9)..(start + cdataEnd)];
                    rules.Scan(RuleZone.Args, cdata, card);
                    i = cdataEnd < 0 ? text.Length : start + cdataEnd + 3;
                    continue;
                }

                var close = text[start..].IndexOf('>');
                var tag = close < 0 ? text[start..] : text.Slice(start, close + 1);
                if (Tokenizing.HtmlInjection.IsInjection(tag))
                {
                    rules.Report(CodeRules.XssTokens, card);
                }

                InspectAttributes(rules, tag, card);
                i = close < 0 ? text.Length : start + close + 1;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Everything before the root element: declarations, processing instructions, comments, the DOCTYPE with its internal subset.</summary>
    private static ReadOnlySpan<char> Prolog(ReadOnlySpan<char> text)
    {
        // The XML declaration (<?xml version="1.0"?>) is in every document and says nothing; it starts the prolog.
        var i = 0;
        if (text.TrimStart().StartsWith("<?xml", StringComparison.OrdinalIgnoreCase))
        {
            var end = text.IndexOf("?>");
            if (end > 0)
            {
                text = text[(end + 2)..];
            }
        }

        while (i < text.Length)
        {
            var open = text[i..].IndexOf('<');
            if (open < 0)
            {
                return text;
            }

            i += open;
            if (i + 1 < text.Length && (char.IsLetter(text[i + 1]) || text[i + 1] == '_'))
            {
                return text[..i];
            }

            // Inside a DOCTYPE the internal subset holds '<' and '>'; skip to its closing "]>" when there is one.
            var subset = text[i..].StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase) ? text[i..].IndexOf("]>") : -1;
            var close = subset >= 0 ? subset + 1 : text[i..].IndexOf('>');
            if (close < 0)
            {
                return text;
            }

            i += close + 1;
        }

        return text;
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

            var nameEnd = i + equals;
            var nameStart = nameEnd;
            while (nameStart > 0 && !char.IsWhiteSpace(tag[nameStart - 1]) && tag[nameStart - 1] != '<')
            {
                nameStart--;
            }

            var name = tag[nameStart..nameEnd].Trim();
            var end = tag[(quoteAt + 1)..].IndexOf(quote);
            var value = end < 0 ? tag[(quoteAt + 1)..] : tag.Slice(quoteAt + 1, end);
            if (!IsNamespaceMarkup(name))
            {
                rules.Scan(RuleZone.Args, value, card);
            }

            i = end < 0 ? tag.Length : quoteAt + end + 2;
        }
    }

    private static bool IsNamespaceMarkup(ReadOnlySpan<char> name) =>
        name.Equals("xmlns", StringComparison.OrdinalIgnoreCase) || name.StartsWith("xmlns:", StringComparison.OrdinalIgnoreCase) ||
        name.EndsWith(":schemaLocation", StringComparison.OrdinalIgnoreCase) || name.EndsWith(":noNamespaceSchemaLocation", StringComparison.OrdinalIgnoreCase);

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
                var isFile = InspectDispositionField(rules, headers, "filename=", RuleZone.Args, card);
                var value = part[(headerEnd + separatorLength)..].TrimEnd("\r\n-");
                InspectPartContent(rules, headers, isFile, value, card);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        return true;
    }

    /// <summary>
    /// A part's content by its own type: an uploaded data file (JSON Lines of training examples, CSV, plain
    /// text, images, archives) is data for the service, like a model prompt, and gets no injection rules;
    /// an XML part is parsed as XML; a form field or a file of a type a server might run or render is an argument.
    /// </summary>
    private static void InspectPartContent(RuleSet rules, ReadOnlySpan<char> headers, bool isFile, ReadOnlySpan<char> value, ScoreCard card)
    {
        var type = PartContentType(headers);
        if (isFile && IsDataType(type))
        {
            return;
        }

        if (type.EndsWith("xml", StringComparison.OrdinalIgnoreCase) && !type.Contains("svg", StringComparison.OrdinalIgnoreCase))
        {
            var bytes = Encoding.UTF8.GetBytes(value.ToString());
            InspectXml(rules, bytes, card);
            return;
        }

        rules.Scan(RuleZone.Args, value, card);
    }

    private static readonly string[] s_dataTypes =
    [
        "application/jsonl", "application/x-jsonlines", "application/x-ndjson", "application/jsonlines", "application/json", "text/csv",
        "text/tab-separated-values", "text/plain", "application/octet-stream", "application/x-parquet", "application/vnd.apache.parquet",
        "application/zip", "application/gzip", "application/x-tar", "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp",
        "audio/wav", "audio/mpeg", "audio/x-wav", "audio/flac", "audio/ogg", "video/mp4",
    ];

    private static bool IsDataType(ReadOnlySpan<char> type)
    {
        foreach (var candidate in s_dataTypes)
        {
            if (type.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static ReadOnlySpan<char> PartContentType(ReadOnlySpan<char> headers)
    {
        var at = headers.IndexOf("content-type:", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return "";
        }

        var rest = headers[(at + 13)..];
        var end = rest.IndexOfAny(';', '\r', '\n');
        return (end < 0 ? rest : rest[..end]).Trim();
    }

    /// <summary>Inspects a Content-Disposition field's value; true when the field is there.</summary>
    private static bool InspectDispositionField(RuleSet rules, ReadOnlySpan<char> headers, string field, RuleZone zone, ScoreCard card)
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
            return false;
        }

        var rest = headers[(at + field.Length)..];
        ReadOnlySpan<char> value;
        if (rest.Length > 0 && rest[0] == '"')
        {
            rest = rest[1..];
            var end = rest.IndexOf('"');
            value = end < 0 ? rest : rest[..end];
        }
        else
        {
            var end = rest.IndexOfAny(';', '\r', '\n');
            value = end < 0 ? rest : rest[..end];
        }

        rules.Scan(zone, value, card);
        if (SplitsParsers(value))
        {
            rules.Report(CodeRules.MultipartName, card);
        }

        return true;
    }

    /// <summary>
    /// CRS 920120: a name with '=', '\\' or a ';' that does not end an HTML entity (<c>&amp;auml;</c> is a
    /// browser's encoding of a non-ASCII name) parses differently in different multipart parsers.
    /// </summary>
    internal static bool SplitsParsers(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            switch (name[i])
            {
                case '=' or '\\':
                    return true;
                case ';':
                    var amp = name[..i].LastIndexOf('&');
                    if (amp < 0 || i - amp - 1 is < 2 or > 8 || !IsEntityName(name[(amp + 1)..i]))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    private static bool IsEntityName(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }
}
