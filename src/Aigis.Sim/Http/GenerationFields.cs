using System.Text.Json;

namespace Aigis.Sim.Http;

/// <summary>The fields chat and text completion requests share: model, max tokens and streaming.</summary>
internal readonly record struct GenerationFields(string Model, int? MaxTokens, bool Stream, bool IncludeUsage)
{
    /// <summary>Reads the shared fields; <paramref name="maxTokensNames"/> are tried in order, first present wins.</summary>
    public static ApiError? Read(JsonElement root, ReadOnlySpan<string> maxTokensNames, out GenerationFields fields)
    {
        fields = default;
        var error = RequestFields.ReadRequiredString(root, "model", out var model);
        if (error is not null)
        {
            return error;
        }

        int? maxTokens = null;
        foreach (var name in maxTokensNames)
        {
            error = RequestFields.ReadOptionalPositiveInt(root, name, out var value);
            if (error is not null)
            {
                return error;
            }

            maxTokens ??= value;
        }

        error = RequestFields.ReadOptionalBool(root, "stream", out var stream);
        if (error is not null)
        {
            return error;
        }

        var includeUsage = false;
        if (RequestFields.TryGet(root, "stream_options", out var streamOptions))
        {
            if (streamOptions.ValueKind != JsonValueKind.Object)
            {
                return ApiError.InvalidType("stream_options", "an object", JsonKinds.Describe(streamOptions.ValueKind));
            }

            error = RequestFields.ReadOptionalBool(streamOptions, "include_usage", out includeUsage);
            if (error is not null)
            {
                return error with { Param = "stream_options.include_usage" };
            }
        }

        fields = new GenerationFields(model, maxTokens, stream, includeUsage);
        return null;
    }
}
