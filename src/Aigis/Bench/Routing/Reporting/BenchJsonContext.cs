using System.Text.Json.Serialization;

namespace Aigis.Bench.Routing.Reporting;

/// <summary>What the routing benchmark serializes, without run-time reflection.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(PolicyResultLine))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
