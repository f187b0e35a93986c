using System.Text.Json.Serialization;

namespace Aigis.Sim.Http.Payloads;

/// <summary>OpenAI's embeddings response; <typeparamref name="TVector"/> is float[] or, for base64, string.</summary>
internal sealed record EmbeddingList<TVector>(
    [property: JsonPropertyName("object")] string ObjectType,
    IReadOnlyList<EmbeddingItem<TVector>> Data,
    string Model,
    EmbeddingUsage Usage);

internal sealed record EmbeddingItem<TVector>(
    [property: JsonPropertyName("object")] string ObjectType,
    int Index,
    TVector Embedding);

internal sealed record EmbeddingUsage(int PromptTokens, int TotalTokens);
