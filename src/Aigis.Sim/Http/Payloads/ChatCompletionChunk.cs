using System.Text.Json.Serialization;

namespace Aigis.Sim.Http.Payloads;

/// <summary>One streamed event of a chat answer, OpenAI's "chat.completion.chunk" object.</summary>
internal sealed record ChatCompletionChunk(
    string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    long Created,
    string Model,
    IReadOnlyList<ChatChunkChoice> Choices,
    TokenUsage? Usage = null);

internal sealed record ChatChunkChoice(
    int Index,
    ChatDelta Delta,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason);

internal sealed record ChatDelta(string? Role = null, string? Content = null);
