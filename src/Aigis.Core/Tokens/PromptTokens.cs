using System.Buffers;
using System.Text.Json;

namespace Aigis.Core.Tokens;

/// <summary>
/// Counts the prompt tokens of an OpenAI request body without deserializing it: <c>messages</c> (chat: each
/// message's role, name and text content, plus OpenAI's per-message overhead), <c>prompt</c> (completions) and
/// <c>input</c> (embeddings), as strings, arrays of strings, or arrays of token ids (counted as they are).
/// </summary>
/// <remarks>
/// The overhead follows OpenAI's published accounting for chat models: 3 tokens per message and 3 to prime the
/// reply. Images and audio parts are not counted (their cost is not in tokens of text); the upstream's
/// <c>usage</c> corrects the count when the response carries one.
/// </remarks>
public static class PromptTokens
{
    public const int PerMessage = 3;
    public const int ReplyPriming = 3;

    /// <summary>The prompt's tokens; 0 for a body that is not an object (the reader refused it before this runs).</summary>
    public static int Count(ReadOnlySpan<byte> json, TokenCounter counter)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 128 });
        var total = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    total += Messages(ref reader, counter);
                }
                else if (reader.ValueTextEquals("prompt"u8) || reader.ValueTextEquals("input"u8))
                {
                    reader.Read();
                    total += TextOrTokens(ref reader, counter);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Validated by the model request reader already; a body that still fails here counts what was read.
        }

        return total;
    }

    private static int Messages(ref Utf8JsonReader reader, TokenCounter counter)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return 0;
        }

        var total = ReplyPriming;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            total += PerMessage;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var counted = reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("role"u8) || reader.ValueTextEquals("name"u8);
                reader.Read();
                if (!counted)
                {
                    reader.Skip();
                }
                else if (reader.TokenType == JsonTokenType.String)
                {
                    total += Text(ref reader, counter);
                }
                else if (reader.TokenType == JsonTokenType.StartArray)
                {
                    total += ContentParts(ref reader, counter);
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return total;
    }

    // [{"type":"text","text":"..."}, {"type":"image_url",...}]: the text parts only.
    private static int ContentParts(ref Utf8JsonReader reader, TokenCounter counter)
    {
        var total = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isText = reader.ValueTextEquals("text"u8);
                reader.Read();
                if (isText && reader.TokenType == JsonTokenType.String)
                {
                    total += Text(ref reader, counter);
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return total;
    }

    private static int TextOrTokens(ref Utf8JsonReader reader, TokenCounter counter)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return Text(ref reader, counter);
            case JsonTokenType.Number:
                return 1;
            case JsonTokenType.StartArray:
                var total = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    total += TextOrTokens(ref reader, counter);
                }

                return total;
            default:
                reader.Skip();
                return 0;
        }
    }

    /// <summary>Counts the current string token's unescaped text through a pooled buffer.</summary>
    internal static int Text(ref Utf8JsonReader reader, TokenCounter counter)
    {
        var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length == 0)
        {
            return 0;
        }

        // An unescaped string never has more UTF-16 chars than its escaped UTF-8 bytes.
        var buffer = ArrayPool<char>.Shared.Rent(length);
        try
        {
            var written = reader.CopyString(buffer);
            return counter.Count(buffer.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
