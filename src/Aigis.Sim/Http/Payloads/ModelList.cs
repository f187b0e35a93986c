using System.Text.Json.Serialization;

namespace Aigis.Sim.Http.Payloads;

/// <summary>OpenAI's GET /v1/models response.</summary>
internal sealed record ModelList(
    [property: JsonPropertyName("object")] string ObjectType,
    IReadOnlyList<ModelCard> Data);

internal sealed record ModelCard(
    string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    long Created,
    string OwnedBy);
