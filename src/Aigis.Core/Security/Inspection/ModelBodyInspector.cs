using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Security.Inspection;

/// <summary>
/// Walks a model-API body once with a forward-only reader and sends each string to the right rules: the
/// natural-language content (message text, prompt, input, instructions, tool descriptions) to the
/// prompt-injection rules only, and the identifier fields (model, names of tools and functions, URLs such as
/// <c>image_url</c>, user) to the web-attack rules.
/// </summary>
/// <remarks>
/// Content is where people paste code, SQL, shell sessions and HTML, and ask about attacks; web-attack
/// rules there would block exactly what the models are for. An unknown string field counts as content, so a
/// new API field errs toward not blocking. Identifier fields are short values a server may act on (a URL it
/// fetches, a name it looks up), which is where SSRF and injection live.
/// </remarks>
public static class ModelBodyInspector
{
    // Property names whose string values are identifiers rather than prose, at any depth.
    private static readonly byte[][] s_identifierNames =
    [
        "model"u8.ToArray(), "user"u8.ToArray(), "name"u8.ToArray(), "url"u8.ToArray(), "image_url"u8.ToArray(),
        "tool_call_id"u8.ToArray(), "role"u8.ToArray(), "type"u8.ToArray(), "voice"u8.ToArray(),
        "service_tier"u8.ToArray(), "encoding_format"u8.ToArray(), "file_id"u8.ToArray(), "id"u8.ToArray(),
    ];

    // The values "role", "type" and "encoding_format" take in every request: nothing to inspect, and a scan each would be most
    // of a short request's cost.
    private static readonly byte[][] s_knownEnumValues =
    [
        "system"u8.ToArray(), "user"u8.ToArray(), "assistant"u8.ToArray(), "tool"u8.ToArray(), "developer"u8.ToArray(),
        "function"u8.ToArray(), "text"u8.ToArray(), "image_url"u8.ToArray(), "input_audio"u8.ToArray(), "file"u8.ToArray(),
        "json_object"u8.ToArray(), "json_schema"u8.ToArray(), "object"u8.ToArray(), "string"u8.ToArray(), "array"u8.ToArray(), "float"u8.ToArray(), "base64"u8.ToArray(),
    ];

    public static void Inspect(RuleSet rules, ReadOnlySpan<byte> json, ScoreCard card)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Skip });
        var identifier = false;
        var enumField = false;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        identifier = IsIdentifierName(ref reader);
                        enumField = reader.ValueTextEquals("role"u8) || reader.ValueTextEquals("type"u8) || reader.ValueTextEquals("encoding_format"u8);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (reader.CurrentDepth >= rules.Limits.MaxDepth)
                        {
                            // Deeper than any real request nests; skipping is linear and inspects no more.
                            card.Truncated = true;
                            reader.Skip();
                        }

                        break;
                    case JsonTokenType.String:
                        if (enumField && IsKnownEnumValue(ref reader))
                        {
                            break;
                        }

                        if (identifier && reader.CurrentDepth > 0)
                        {
                            InspectIdentifier(rules, ref reader, card);
                        }
                        else
                        {
                            JsonStrings.Scan(rules, RuleZone.Prompt, ref reader, card);
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            // The router answers a malformed body with 400 itself; what was read so far has been inspected.
        }
    }

    private static bool IsKnownEnumValue(ref Utf8JsonReader reader)
    {
        foreach (var value in s_knownEnumValues)
        {
            if (reader.ValueTextEquals(value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsIdentifierName(ref Utf8JsonReader reader)
    {
        foreach (var name in s_identifierNames)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// An identifier, or a data URL: an image's bytes say nothing to rules and are skipped, but a text
    /// document declared as base64 (<c>data:text/plain;base64,...</c>) is decoded and inspected as content.
    /// </summary>
    private static void InspectIdentifier(RuleSet rules, ref Utf8JsonReader reader, ScoreCard card)
    {
        var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        if (!raw.StartsWith("data:"u8))
        {
            JsonStrings.Scan(rules, RuleZone.ModelFields, ref reader, card);
            return;
        }

        var comma = raw.IndexOf((byte)',');
        if (comma < 0)
        {
            return;
        }

        var header = raw[5..comma];
        var isText = header.StartsWith("text/"u8) || header.IndexOf("json"u8) >= 0 || header.IndexOf("xml"u8) >= 0;
        if (!isText || !header.EndsWith(";base64"u8))
        {
            return;
        }

        var payload = raw[(comma + 1)..];
        var whole = payload.Length <= rules.Limits.MaxFieldChars * 2;
        payload = payload[..Math.Min(payload.Length, rules.Limits.MaxFieldChars * 2)];
        var decoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(payload.Length));
        try
        {
            if (Base64.DecodeFromUtf8(payload, decoded, out _, out var written, isFinalBlock: whole) is OperationStatus.Done or OperationStatus.NeedMoreData)
            {
                rules.ScanUtf8(RuleZone.Prompt, decoded.AsSpan(0, written), card);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }
}
