using System.Text.Json;

namespace Aigis.Sim.Http;

/// <summary>Reads an OpenAI embeddings request: input as one string or an array of strings.</summary>
internal static class EmbeddingRequestReader
{
    public static ApiError? Read(JsonElement root, out EmbeddingRequest request)
    {
        request = null!;
        var error = RequestFields.ReadRequiredString(root, "model", out var model);
        if (error is not null)
        {
            return error;
        }

        error = ReadInputs(root, out var inputs);
        if (error is not null)
        {
            return error;
        }

        error = ReadBase64(root, out var base64);
        if (error is not null)
        {
            return error;
        }

        error = RequestFields.ReadOptionalPositiveInt(root, "dimensions", out var dimensions);
        if (error is not null)
        {
            return error;
        }

        request = new EmbeddingRequest(model, inputs, base64, dimensions);
        return null;
    }

    private static ApiError? ReadInputs(JsonElement root, out IReadOnlyList<string> inputs)
    {
        inputs = [];
        if (!RequestFields.TryGet(root, "input", out var input))
        {
            return ApiError.MissingParameter("input");
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            var text = input.GetString()!;
            inputs = [text];
            return text.Length == 0 ? EmptyInput("input") : null;
        }

        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            return ApiError.InvalidType("input", "a string or a non-empty array of strings", JsonKinds.Describe(input.ValueKind));
        }

        var texts = new string[input.GetArrayLength()];
        for (var index = 0; index < texts.Length; index++)
        {
            var item = input[index];
            if (item.ValueKind != JsonValueKind.String)
            {
                // Token-id inputs are valid for OpenAI, but the simulator only embeds text.
                return ApiError.InvalidType($"input[{index}]", "a string", JsonKinds.Describe(item.ValueKind));
            }

            texts[index] = item.GetString()!;
            if (texts[index].Length == 0)
            {
                return EmptyInput($"input[{index}]");
            }
        }

        inputs = texts;
        return null;
    }

    private static ApiError? ReadBase64(JsonElement root, out bool base64)
    {
        base64 = false;
        if (!RequestFields.TryGet(root, "encoding_format", out var format))
        {
            return null;
        }

        switch (format.ValueKind == JsonValueKind.String ? format.GetString() : null)
        {
            case "float":
                return null;
            case "base64":
                base64 = true;
                return null;
            default:
                return ApiError.InvalidRequest("Invalid 'encoding_format': expected 'float' or 'base64'.", "encoding_format");
        }
    }

    private static ApiError EmptyInput(string param) =>
        ApiError.InvalidRequest($"'{param}' must not be an empty string.", param);
}
