using System.Text;
using System.Text.Json;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Security.Inspection;

/// <summary>
/// Feeds the parts of a plain HTTP request (request line, headers, cookies, query arguments, a generic
/// service's body) to the web-attack rules, each part in its zone.
/// </summary>
public static class WebRequestInspector
{
    /// <summary>The method, the path and the query string, the latter also split into argument names and values.</summary>
    public static void InspectTarget(RuleSet rules, ReadOnlySpan<char> method, ReadOnlySpan<char> rawTarget, ScoreCard card)
    {
        rules.Scan(RuleZone.Method, method, card);
        var question = rawTarget.IndexOf('?');
        var path = question < 0 ? rawTarget : rawTarget[..question];
        rules.Scan(RuleZone.Path, path, card);
        if (question >= 0)
        {
            var query = rawTarget[(question + 1)..];
            var hash = query.IndexOf('#');
            if (hash >= 0)
            {
                query = query[..hash];
            }

            rules.Scan(RuleZone.Query, query, card);
            InspectForm(rules, query, card);
        }
    }

    /// <summary>One header: its name, and its value (cookies split into names and values).</summary>
    public static void InspectHeader(RuleSet rules, string name, ReadOnlySpan<char> value, ScoreCard card)
    {
        rules.Scan(RuleZone.HeaderNames, name, card);
        if (string.Equals(name, "cookie", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var range in value.Split(';'))
            {
                var pair = value[range].Trim();
                var equals = pair.IndexOf('=');
                rules.Scan(RuleZone.Cookies, equals < 0 ? pair : pair[..equals], card);
                if (equals >= 0)
                {
                    rules.Scan(RuleZone.Cookies, pair[(equals + 1)..], card);
                }
            }
        }

        rules.Scan(RuleZone.Headers, value, card, headerName: name);
    }

    /// <summary>
    /// A generic service's body: a form (also when there is no content type, as browsers and curl send forms)
    /// becomes arguments, JSON its keys and string values, anything else is text of the body zone.
    /// </summary>
    public static void InspectBody(RuleSet rules, ReadOnlySpan<byte> body, string? contentType, ScoreCard card)
    {
        if (body.IsEmpty)
        {
            return;
        }

        var type = contentType is null ? "" : contentType.Split(';')[0].Trim();
        if (type.Length == 0 || type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            var chars = System.Buffers.ArrayPool<char>.Shared.Rent(body.Length);
            try
            {
                var length = Encoding.UTF8.GetChars(body, chars);
                InspectForm(rules, chars.AsSpan(0, length), card);
            }
            finally
            {
                System.Buffers.ArrayPool<char>.Shared.Return(chars);
            }

            return;
        }

        if (type.EndsWith("json", StringComparison.OrdinalIgnoreCase) && InspectJson(rules, body, card))
        {
            return;
        }

        if (type.EndsWith("xml", StringComparison.OrdinalIgnoreCase))
        {
            StructuredBodies.InspectXml(rules, body, card);
            return;
        }

        if (type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) && StructuredBodies.InspectMultipart(rules, body, contentType!, card))
        {
            return;
        }

        rules.ScanUtf8(RuleZone.Body, body, card);
    }

    /// <summary><c>a=1&amp;b=2</c>: each name in <see cref="RuleZone.ArgNames"/>, each value in <see cref="RuleZone.Args"/>.</summary>
    public static void InspectForm(RuleSet rules, ReadOnlySpan<char> form, ScoreCard card)
    {
        foreach (var range in form.Split('&'))
        {
            var pair = form[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            rules.Scan(RuleZone.ArgNames, equals < 0 ? pair : pair[..equals], card, plusIsSpace: true);
            if (equals >= 0)
            {
                rules.Scan(RuleZone.Args, pair[(equals + 1)..], card, plusIsSpace: true);
            }
        }
    }

    /// <summary>Keys as argument names, strings and numbers as argument values. False when the body is not valid JSON.</summary>
    private static bool InspectJson(RuleSet rules, ReadOnlySpan<byte> body, ScoreCard card)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        // Per depth: whether the object there is the value of a credential field ({"password": {"$ne": null}}).
        Span<bool> credentialObject = stackalloc bool[rules.Limits.MaxDepth + 2];
        var lastNameIsCredential = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth < credentialObject.Length)
                {
                    credentialObject[reader.CurrentDepth] = lastNameIsCredential;
                }

                if (reader.TokenType == JsonTokenType.PropertyName && MongoOperators.IsOperator(ref reader))
                {
                    // Query documents ({"filter": {"$and": [...]}}, vector-store "where" clauses) are how APIs take
                    // filters: an operator key is data. It is an injection where a scalar was due: under a
                    // credential field, at the top of the body (a bare operator document), or $where/$function,
                    // which run JavaScript on the database.
                    var depth = reader.CurrentDepth - 1;
                    if (MongoOperators.RunsCode(ref reader) || depth == 0 || (depth > 0 && depth < credentialObject.Length && credentialObject[depth]))
                    {
                        rules.Report(CodeRules.NoSqlOperator, card);
                    }

                    lastNameIsCredential = false;
                    continue;
                }

                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    lastNameIsCredential = MongoOperators.IsCredentialName(ref reader);
                }

                if (reader.CurrentDepth > rules.Limits.MaxDepth && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    card.Truncated = true;
                    reader.Skip();
                    continue;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        JsonStrings.Scan(rules, RuleZone.ArgNames, ref reader, card);
                        break;
                    case JsonTokenType.String:
                    case JsonTokenType.Number:
                        JsonStrings.Scan(rules, RuleZone.Args, ref reader, card);
                        break;
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
