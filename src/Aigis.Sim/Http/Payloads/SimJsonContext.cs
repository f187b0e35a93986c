using System.Text.Json.Serialization;

namespace Aigis.Sim.Http.Payloads;

/// <summary>Every payload the simulator writes, serialized without run-time reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(TextCompletion))]
[JsonSerializable(typeof(EmbeddingList<float[]>))]
[JsonSerializable(typeof(EmbeddingList<string>))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(Classification))]
internal sealed partial class SimJsonContext : JsonSerializerContext;
