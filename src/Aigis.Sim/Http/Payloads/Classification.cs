using System.Text.Json.Serialization;
using Aigis.Sim.Classify;

namespace Aigis.Sim.Http.Payloads;

/// <summary>The answer of POST /v1/classify: labels with probabilities, best first.</summary>
internal sealed record Classification(
    string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    long Created,
    string Model,
    IReadOnlyList<LabelScore> Labels);
