using System.Text.Json.Serialization;

namespace Aigis.Serialization;

/// <summary>OpenAI's error body: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal sealed record OpenAiErrorBody([property: JsonPropertyName("error")] OpenAiError Error);

internal sealed record OpenAiError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);

/// <summary>One entry of <c>GET /v1/models</c>.</summary>
internal sealed record ModelEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy);

internal sealed record ModelList(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<ModelEntry> Data);

internal sealed record HealthStatus(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("services")] int? Services = null,
    [property: JsonPropertyName("config_loaded_at")] DateTimeOffset? ConfigLoadedAt = null,
    [property: JsonPropertyName("limits")] string? Limits = null);

/// <summary>Every payload the gateway writes itself, serialized without reflection.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(OpenAiErrorBody))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(HealthStatus))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
