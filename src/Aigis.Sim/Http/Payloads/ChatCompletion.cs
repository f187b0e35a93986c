using System.Text.Json.Serialization;

namespace Aigis.Sim.Http.Payloads;

/// <summary>A non-streamed chat answer, OpenAI's "chat.completion" object.</summary>
internal sealed record ChatCompletion(
    string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    long Created,
    string Model,
    IReadOnlyList<ChatChoice> Choices,
    TokenUsage Usage);

internal sealed record ChatChoice(int Index, ChatMessage Message, string FinishReason);

internal sealed record ChatMessage(string Role, string Content);
