using System.Text.Json;
using Aigis.Sim.Output;

namespace Aigis.Sim.Http;

/// <summary>Reads an OpenAI chat completion request: messages with string or text-part content.</summary>
/// <remarks>
/// Prompt tokens follow OpenAI's counting for cl100k models: 3 per message, the tokens of its role,
/// content and name (plus 1 for a name), and 3 to prime the reply (at the end, where the template puts them,
/// so that a conversation's next turn shares the earlier turns as a prefix).
/// </remarks>
internal static class ChatCompletionRequestReader
{
    private const int TokensPerMessage = 3;
    private const int TokensPerName = 1;
    private const int ReplyPrimingTokens = 3;
    private static readonly string[] _maxTokensNames = ["max_completion_tokens", "max_tokens"];

    public static ApiError? Read(JsonElement root, PromptTokenCounter counter, out TextGenerationRequest request)
    {
        request = null!;
        var error = GenerationFields.Read(root, _maxTokensNames, out var fields);
        if (error is not null)
        {
            return error;
        }

        if (!RequestFields.TryGet(root, "messages", out var messages))
        {
            return ApiError.MissingParameter("messages");
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            return ApiError.InvalidType("messages", "an array", JsonKinds.Describe(messages.ValueKind));
        }

        if (messages.GetArrayLength() == 0)
        {
            return ApiError.InvalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array");
        }

        var hash = new Fnv1aHash();
        var tokens = new PromptTokens(counter);
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            error = ReadMessage(message, index, tokens, ref hash);
            if (error is not null)
            {
                return error;
            }

            index++;
        }

        tokens.AddFormatting(ReplyPrimingTokens, kind: 2);
        request = new TextGenerationRequest(fields.Model, "messages", hash.Value, tokens.ToArray(), fields.MaxTokens, fields.Stream, fields.IncludeUsage);
        return null;
    }

    private static ApiError? ReadMessage(JsonElement message, int index, PromptTokens tokens, ref Fnv1aHash hash)
    {
        var param = $"messages[{index}]";
        if (message.ValueKind != JsonValueKind.Object)
        {
            return ApiError.InvalidType(param, "an object", JsonKinds.Describe(message.ValueKind));
        }

        var error = RequestFields.ReadRequiredString(message, "role", out var role);
        if (error is not null)
        {
            return error with { Param = $"{param}.role" };
        }

        tokens.AddFormatting(TokensPerMessage, kind: 0);
        tokens.AddText(role);
        hash.Append(role);
        hash.AppendSeparator();
        if (RequestFields.TryGet(message, "name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            tokens.AddFormatting(TokensPerName, kind: 1);
            tokens.AddText(name.GetString()!);
        }

        if (!RequestFields.TryGet(message, "content", out var content))
        {
            // Assistant messages that only carry tool calls have no content.
            return null;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            AppendText(content.GetString()!, tokens, ref hash);
            return null;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return ApiError.InvalidType($"{param}.content", "a string or an array of content parts", JsonKinds.Describe(content.ValueKind));
        }

        return ReadContentParts(content, param, tokens, ref hash);
    }

    private static ApiError? ReadContentParts(JsonElement parts, string param, PromptTokens tokens, ref Fnv1aHash hash)
    {
        var partIndex = 0;
        foreach (var part in parts.EnumerateArray())
        {
            var partParam = $"{param}.content[{partIndex}]";
            if (part.ValueKind != JsonValueKind.Object)
            {
                return ApiError.InvalidType(partParam, "an object", JsonKinds.Describe(part.ValueKind));
            }

            var error = RequestFields.ReadRequiredString(part, "type", out var type);
            if (error is not null)
            {
                return error with { Param = $"{partParam}.type" };
            }

            // Only text is simulated; images and audio parts add nothing to the prompt.
            if (type == "text")
            {
                error = RequestFields.ReadRequiredString(part, "text", out var text);
                if (error is not null)
                {
                    return error with { Param = $"{partParam}.text" };
                }

                AppendText(text, tokens, ref hash);
            }

            partIndex++;
        }

        return null;
    }

    private static void AppendText(string text, PromptTokens tokens, ref Fnv1aHash hash)
    {
        tokens.AddText(text);
        hash.Append(text);
        hash.AppendSeparator();
    }
}
