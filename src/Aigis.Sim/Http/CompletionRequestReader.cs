using System.Text.Json;
using Aigis.Sim.Output;

namespace Aigis.Sim.Http;

/// <summary>Reads an OpenAI legacy completion request: one prompt string.</summary>
internal static class CompletionRequestReader
{
    private static readonly string[] _maxTokensNames = ["max_tokens"];

    public static ApiError? Read(JsonElement root, PromptTokenCounter counter, out TextGenerationRequest request)
    {
        request = null!;
        var error = GenerationFields.Read(root, _maxTokensNames, out var fields);
        if (error is not null)
        {
            return error;
        }

        if (!RequestFields.TryGet(root, "prompt", out var promptElement))
        {
            return ApiError.MissingParameter("prompt");
        }

        string prompt;
        if (promptElement.ValueKind == JsonValueKind.String)
        {
            prompt = promptElement.GetString()!;
        }
        else if (promptElement.ValueKind == JsonValueKind.Array
            && promptElement.GetArrayLength() == 1
            && promptElement[0].ValueKind == JsonValueKind.String)
        {
            prompt = promptElement[0].GetString()!;
        }
        else
        {
            return ApiError.InvalidType("prompt", "a string (batched and token-id prompts are not simulated)", JsonKinds.Describe(promptElement.ValueKind));
        }

        var tokens = new PromptTokens(counter);
        tokens.AddText(prompt);
        request = new TextGenerationRequest(fields.Model, "prompt", Fnv1aHash.Of(prompt), tokens.ToArray(), fields.MaxTokens, fields.Stream, fields.IncludeUsage);
        return null;
    }
}
