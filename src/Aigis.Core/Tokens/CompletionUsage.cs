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

    /// <summary>
    /// Reads <paramref name="json"/> as <see cref="Read"/> does, and says whether it is exactly one JSON value (what
    /// a model stream's event must be): the stream guard's validity check and the usage read in one pass.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, TokenCounter? counter, out Reported reported)
    {
        int prompt = -1, completion = -1, counted = 0;
        reported = new(-1, -1, 0);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read())
            {
                // Blank data: nothing to read, nothing wrong.
                return true;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return !reader.Read();
            }

            ReadObject(ref reader, counter, ref prompt, ref completion, ref counted);
            if (reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            // The boundary with the upstream's bytes: invalid JSON is the verdict, not an error.
            return false;
        }

        reported = new(prompt, completion, counted);
        return true;
    }

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

            ReadObject(ref reader, counter, ref prompt, ref completion, ref counted);
        }
        catch (JsonException)
        {
            // Not ours to judge: the client gets the bytes as they are; we count what we could read.
        }

        return new(prompt, completion, counted);
    }

    /// <summary>The members of an object whose start the reader is on, to its end.</summary>
    private static void ReadObject(ref Utf8JsonReader reader, TokenCounter? counter, ref int prompt, ref int completion, ref int counted)
    {
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
