using System.Text.Json;

namespace Aigis.Sim.Http;

/// <summary>Reads typed fields of an OpenAI request object; JSON null counts as absent.</summary>
internal static class RequestFields
{
    public static ApiError? ReadRequiredString(JsonElement root, string name, out string value)
    {
        value = string.Empty;
        if (!TryGet(root, name, out var element))
        {
            return ApiError.MissingParameter(name);
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return ApiError.InvalidType(name, "a string", JsonKinds.Describe(element.ValueKind));
        }

        value = element.GetString()!;
        return value.Length == 0 ? ApiError.InvalidRequest($"'{name}' must not be empty.", name) : null;
    }

    public static ApiError? ReadOptionalPositiveInt(JsonElement root, string name, out int? value)
    {
        value = null;
        if (!TryGet(root, name, out var element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var number))
        {
            return ApiError.InvalidType(name, "an integer", JsonKinds.Describe(element.ValueKind));
        }

        if (number < 1)
        {
            return ApiError.InvalidRequest($"Invalid '{name}': integer below minimum value. Expected a value >= 1, but got {number} instead.", name, "integer_below_min_value");
        }

        value = number;
        return null;
    }

    public static ApiError? ReadOptionalBool(JsonElement root, string name, out bool value)
    {
        value = false;
        if (!TryGet(root, name, out var element))
        {
            return null;
        }

        if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return ApiError.InvalidType(name, "a boolean", JsonKinds.Describe(element.ValueKind));
        }

        value = element.GetBoolean();
        return null;
    }

    /// <summary>The property, unless it is missing or null.</summary>
    public static bool TryGet(JsonElement parent, string name, out JsonElement element) =>
        parent.TryGetProperty(name, out element) && element.ValueKind != JsonValueKind.Null;
}
