using System.Text.Json.Serialization;

namespace Aigis.Sim.Http.Payloads;

/// <summary>A legacy completion, OpenAI's "text_completion" object, streamed or not.</summary>
internal sealed record TextCompletion(
    string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    long Created,
    string Model,
    IReadOnlyList<TextChoice> Choices,
    TokenUsage? Usage = null);

internal sealed record TextChoice(
    string Text,
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason);
