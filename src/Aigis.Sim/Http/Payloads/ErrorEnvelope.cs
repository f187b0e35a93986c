using System.Text.Json.Serialization;

namespace Aigis.Sim.Http.Payloads;

/// <summary>OpenAI's error body: {"error": {...}}.</summary>
internal sealed record ErrorEnvelope(ErrorBody Error);

/// <summary>OpenAI always writes param and code, null when they do not apply.</summary>
internal sealed record ErrorBody(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);
