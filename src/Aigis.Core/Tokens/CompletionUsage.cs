using System.Text.Json;

namespace Aigis.Core.Tokens;

/// <summary>
/// Reads what a response says it used: <c>usage.prompt_tokens</c> and <c>usage.completion_tokens</c> of a
/// whole JSON response or of a stream's chunk, and, for chunks without usage, counts the generated text
/// (<c>choices[].delta.content</c> for chat, <c>choices[].text</c> for completions).
/// </summary>
public static class CompletionUsage
{
    /// <summary>Usage read from one JSON object; -1 for a count it does not carry.</summary>
    public readonly record struct Reported(int PromptTokens, int CompletionTokens, int CountedCompletionTokens);

    public static Reported Read(ReadOnlySpan<byte> json, TokenCounter? counter)
    {
        int prompt = -1, completion = -1, counted = 0;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new(-1, -1, 0);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    Usage(ref reader, ref prompt, ref completion);
                }
                else if (counter is not null && reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    counted += Choices(ref reader, counter);
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
            // Not ours to judge: the client gets the bytes as they are; we count what we could read.
        }

        return new(prompt, completion, counted);
    }

    private static void Usage(ref Utf8JsonReader reader, ref int prompt, ref int completion)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8);
            var isCompletion = reader.ValueTextEquals("completion_tokens"u8);
            reader.Read();
            if ((isPrompt || isCompletion) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) && value >= 0)
            {
                if (isPrompt)
                {
                    prompt = value;
                }
                else
                {
                    completion = value;
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static int Choices(ref Utf8JsonReader reader, TokenCounter counter)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return 0;
        }

        var total = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    total += reader.TokenType == JsonTokenType.String ? PromptTokens.Text(ref reader, counter) : Skip(ref reader);
                }
                else if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    total += Content(ref reader, counter);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        return total;
    }

    private static int Content(ref Utf8JsonReader reader, TokenCounter counter)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Skip(ref reader);
        }

        var total = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isContent = reader.ValueTextEquals("content"u8);
            reader.Read();
            total += isContent && reader.TokenType == JsonTokenType.String ? PromptTokens.Text(ref reader, counter) : Skip(ref reader);
        }

        return total;
    }

    private static int Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return 0;
    }
}
