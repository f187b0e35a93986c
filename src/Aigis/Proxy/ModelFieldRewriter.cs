using System.Text.Json;

namespace Aigis.Proxy;

/// <summary>
/// Rewrites the top-level <c>model</c> of a JSON request body for a fallback service, leaving every other byte as
/// the client sent it. Only on the fallback path, so a new array per call is fine.
/// </summary>
internal static class ModelFieldRewriter
{
    public static byte[]? Rewrite(ReadOnlySpan<byte> body, string model)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isModel = reader.ValueTextEquals("model"u8);
            reader.Read();
            if (isModel && reader.TokenType == JsonTokenType.String)
            {
                // TokenStartIndex is the opening quote; the raw (still escaped) value sits between the quotes.
                var start = (int)reader.TokenStartIndex;
                var end = start + reader.ValueSpan.Length + 2;
                var encoded = JsonEncodedText.Encode(model).EncodedUtf8Bytes;
                var result = new byte[start + encoded.Length + 2 + (body.Length - end)];
                body[..start].CopyTo(result);
                result[start] = (byte)'"';
                encoded.CopyTo(result.AsSpan(start + 1));
                result[start + 1 + encoded.Length] = (byte)'"';
                body[end..].CopyTo(result.AsSpan(start + encoded.Length + 2));
                return result;
            }

            reader.Skip();
        }

        return null;
    }
}
