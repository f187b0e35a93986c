using System.Text.Json.Serialization;

namespace Aigis.Sim.Faults;

/// <summary>The admin API's payloads, without run-time reflection.</summary>
/// <remarks>Nulls are written: "crash_after": null says "never" more plainly than a missing field.</remarks>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FaultSettings))]
internal sealed partial class FaultJsonContext : JsonSerializerContext;
