using System.Text.Json;
using Aigis.Core.Balancing;
using Microsoft.AspNetCore.Http;

namespace Aigis.Pipeline;

/// <summary>
/// Where a consistent-hash key comes from: <c>header:NAME</c> (e.g. a session id) or <c>body:FIELD</c> (a
/// top-level string of a model request, e.g. OpenAI's <c>user</c>). Parsed once when the config loads.
/// </summary>
internal sealed class AffinityKeySource
{
    private readonly string? _header;
    private readonly byte[]? _bodyField;

    private AffinityKeySource(string? header, string? bodyField)
    {
        _header = header;
        _bodyField = bodyField is null ? null : System.Text.Encoding.UTF8.GetBytes(bodyField);
    }

    public static AffinityKeySource Parse(string spec) => spec.StartsWith("header:", StringComparison.Ordinal)
        ? new AffinityKeySource(spec["header:".Length..], null)
        : new AffinityKeySource(null, spec["body:".Length..]);

    /// <summary>The key's hash, if the request carries one.</summary>
    public bool TryGetKey(HttpContext context, ReadOnlySpan<byte> body, out ulong key)
    {
        key = 0;
        if (_header is not null)
        {
            var value = context.Request.Headers[_header];
            if (value.Count == 0 || string.IsNullOrEmpty(value[0]))
            {
                return false;
            }

            key = StableHash.Of(value[0]);
            return true;
        }

        return !body.IsEmpty && TryHashBodyField(body, _bodyField!, out key);
    }

    private static bool TryHashBodyField(ReadOnlySpan<byte> json, ReadOnlySpan<byte> field, out ulong key)
    {
        key = 0;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(field);
                reader.Read();
                if (match && reader.TokenType == JsonTokenType.String)
                {
                    key = StableHash.Of(reader.GetString());
                    return true;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Already validated upstream of here; a key we cannot read is no key.
        }

        return false;
    }
}
